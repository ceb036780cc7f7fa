"""train()'s handling of its inputs: dtype and memory layout."""

import numpy as np

from skdeep import nn

from .test_training import _data, _network, _train


def test_float32_training_stays_float32():
    X, y = _data()
    net = nn.Sequential([nn.Dense(4), nn.Activation("relu"), nn.Dense(1)])
    net.build((3,), np.random.default_rng(0), np.float32)
    history = nn.train(
        net,
        nn.SquaredError(),
        nn.Adam(0.01),
        X.astype(np.float32),
        y.astype(np.float32),
        max_epochs=3,
        rng=np.random.default_rng(0),
    )
    assert all(w.dtype == np.float32 for w in net.get_weights())
    assert history.loss[-1] < history.loss[0]
    seen = []
    net.layers[0].forward = lambda x, training=False: (
        seen.append(x.dtype) or (nn.Dense.forward(net.layers[0], x, training))
    )
    nn.train(
        net,
        nn.SquaredError(),
        nn.Adam(0.01),
        X,
        y,
        max_epochs=1,
        rng=np.random.default_rng(0),
    )
    assert set(seen) == {np.dtype(np.float32)}


def test_fortran_ordered_inputs_are_gathered_from_one_c_ordered_copy(monkeypatch):
    # ``take`` copies a non-C-contiguous array whole on every call, so
    # train() makes X and y C-contiguous once; the fit is unchanged.
    from skdeep.nn import _training_epoch

    X, y = _data(n_features=5)
    net_c, _, _ = _train(_network(n_features=5), X, y, batch_size=8)
    gathered = []
    batch = _training_epoch._batch

    def spy(X, y, w, rows):
        gathered.append((X.flags.c_contiguous, y.flags.c_contiguous))
        return batch(X, y, w, rows)

    monkeypatch.setattr(_training_epoch, "_batch", spy)
    X_f, y_f = np.asfortranarray(X), np.asfortranarray(np.c_[y, y])[:, :1]
    net_f, _, _ = _train(_network(n_features=5), X_f, y_f, batch_size=8)
    assert len(gathered) == 15 and all(c_x and c_y for c_x, c_y in gathered)
    for got, expected in zip(net_f.get_weights(), net_c.get_weights()):
        np.testing.assert_array_equal(got, expected)
