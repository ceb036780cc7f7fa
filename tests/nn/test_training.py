"""train(): batching, stopping rules, history, weights, errors, threads (the
batch order is in test_training_shuffle.py)."""

import re
import threading

import numpy as np
import pytest

from skdeep import nn


def _data(n=40, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_features))
    y = X @ rng.standard_normal((n_features, 1)) + 0.1 * rng.standard_normal((n, 1))
    return X, y


def _network(n_features=3, seed=0, hidden=4):
    net = nn.Sequential([nn.Dense(hidden), nn.Activation("tanh"), nn.Dense(1)])
    net.build((n_features,), np.random.default_rng(seed))
    return net


def _train(net=None, X=None, y=None, **kwargs):
    X, y = _data() if X is None else (X, y)
    net = _network() if net is None else net
    kwargs.setdefault("rng", np.random.default_rng(0))
    kwargs.setdefault("max_epochs", 3)
    optimizer = kwargs.pop("optimizer", None) or nn.SGD(0.05)
    history = nn.train(net, nn.SquaredError(), optimizer, X, y, **kwargs)
    return net, optimizer, history


@pytest.mark.parametrize(
    ("batch_size", "steps_per_epoch"), [(40, 1), (1, 40), (16, 3), (1000, 1), (0, 40)]
)
def test_batch_sizes(batch_size, steps_per_epoch):
    _, optimizer, history = _train(batch_size=batch_size, max_epochs=2)
    assert optimizer.iterations == 2 * steps_per_epoch
    assert history.samples_seen == 80 and history.n_epochs == 2


def test_shuffling_is_reproducible_with_the_same_rng():
    weights = []
    for seed in (0, 0, 1):
        net, _, _ = _train(batch_size=8, rng=np.random.default_rng(seed))
        weights.append(net.get_weights())
    np.testing.assert_array_equal(weights[0][0], weights[1][0])
    assert not np.array_equal(weights[0][0], weights[2][0])
    unshuffled = [
        _train(batch_size=8, shuffle=False, rng=np.random.default_rng(s))[
            0
        ].get_weights()
        for s in (0, 1)
    ]
    np.testing.assert_array_equal(unshuffled[0][0], unshuffled[1][0])


def test_epoch_loss_is_the_weighted_mean_of_batch_losses_with_penalty():
    X, y = _data()
    net = _network()
    before = [w.copy() for w in net.get_weights()]
    optimizer = nn.SGD(0.0, l2=0.3)  # no movement: every batch sees the same net
    history = nn.train(
        net,
        nn.SquaredError(),
        optimizer,
        X,
        y,
        batch_size=16,
        max_epochs=1,
        shuffle=False,
        rng=np.random.default_rng(0),
    )
    loss = nn.SquaredError()
    expected = 0.0
    for batch in (slice(0, 16), slice(16, 32), slice(32, 40)):
        n_b = batch.stop - batch.start
        value = loss.value(y[batch], net.forward(X[batch]))
        expected += n_b * (
            value + nn.penalty_value(net.parameters(), l2=0.3, n_samples=n_b)
        )
    assert history.loss[0] == pytest.approx(expected / 40)
    for a, b in zip(before, net.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_integer_sample_weights_equal_repeated_rows_for_batch_gradient_descent():
    X, y = _data(n=12)
    counts = np.array([1, 2, 0, 3, 1, 1, 2, 1, 0, 1, 4, 1])
    repeated = np.repeat(np.arange(12), counts)
    kwargs = dict(shuffle=False, max_epochs=5, optimizer=None)
    weighted, _, h1 = _train(
        X=X, y=y, sample_weight=counts.astype(float), batch_size=12, **kwargs
    )
    plain, _, h2 = _train(
        X=X[repeated], y=y[repeated], batch_size=len(repeated), **kwargs
    )
    for a, b in zip(weighted.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    np.testing.assert_allclose(h1.loss, h2.loss, rtol=1e-10)


def test_history_continuation_equals_one_long_run():
    one, _, long_history = _train(max_epochs=5, batch_size=8)
    net, optimizer = _network(), nn.SGD(0.05)
    rng = np.random.default_rng(0)
    _, _, history = _train(
        net, max_epochs=3, batch_size=8, optimizer=optimizer, rng=rng
    )
    _train(
        net, max_epochs=2, batch_size=8, optimizer=optimizer, rng=rng, history=history
    )
    assert history.n_epochs == 5 and len(history.loss) == 5
    assert history.samples_seen == 200
    np.testing.assert_allclose(history.loss, long_history.loss)
    for a, b in zip(one.get_weights(), net.get_weights()):
        np.testing.assert_array_equal(a, b)


def _scripted_scorer(scores):
    calls = iter(scores)
    return lambda y, raw, w: next(calls)


def test_early_stopping_restores_the_weights_of_the_best_epoch():
    X, y = _data()
    saved = []

    def remember(epoch, history, network):
        saved.append(network.get_weights())

    scores = [0.1, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]
    net, _, history = _train(
        max_epochs=8,
        validation=(X, y, None),
        callbacks=[remember],
        validation_scorer=_scripted_scorer(scores),
        early_stopping=nn.EarlyStopping("val_score", patience=2, tol=1e-4),
    )
    # epochs 3, 4, 5 do not improve; the count exceeds patience=2 after epoch 5
    assert history.stopped and history.n_epochs == 5
    assert history.best_epoch == 1 and history.best_val_score == 0.9
    for a, b in zip(net.get_weights(), saved[1]):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(saved[1][0], saved[-1][0])
    assert history.val_score == scores[:5] and len(history.val_loss) == 5


def test_training_loss_rule_is_scikit_learns():
    stopper = nn.EarlyStopping("loss", patience=2, tol=0.1)
    history = nn.History()
    counts = []
    for loss in [1.0, 0.95, 0.8, 0.85, 0.79, 0.5]:
        history.loss.append(loss)
        history.n_epochs += 1
        stopper.update(history, network=None)
        counts.append(history.no_improvement_count)
    # improvement needs loss <= best - tol; best tracks the plain minimum
    assert counts == [0, 1, 0, 1, 2, 0]
    assert history.best_loss == 0.5


def test_val_loss_monitor_and_restore():
    X, y = _data()
    net, _, history = _train(
        max_epochs=4,
        validation=(X, y, None),
        early_stopping=nn.EarlyStopping("val_loss", patience=10),
    )
    assert history.best_val_loss == min(history.val_loss)
    assert not history.stopped


def test_adaptive_schedule_lowers_the_rate_on_plateau_then_stops():
    X, y = _data()
    schedule = nn.Adaptive(1e-5, factor=0.1, min_learning_rate=1.5e-7)
    optimizer = nn.SGD(1e-5)
    _, _, history = _train(
        X=X,
        y=y,
        optimizer=optimizer,
        schedule=schedule,
        max_epochs=50,
        early_stopping=nn.EarlyStopping("loss", patience=1, tol=10.0),
    )
    # Epoch 1 improves on inf; later epochs all fail the huge tol, so the count
    # exceeds patience=1 every second epoch: the rate drops after epochs 3
    # and 5, and after epoch 7 it is at the floor and training stops.
    expected = [1e-5] * 3 + [1e-6] * 2 + [1e-7] * 2
    np.testing.assert_allclose(history.learning_rate, expected)
    assert history.stopped and history.n_epochs == 7


def test_non_finite_loss_names_the_epoch():
    X, y = _data()
    with pytest.raises(ValueError, match=r"non-finite .* at epoch \d+, batch \d+"):
        with np.errstate(all="ignore"):
            _train(X=X * 1e3, y=y, optimizer=nn.SGD(1e3), max_epochs=50, batch_size=8)


def test_verbose_lines(capsys):
    X, y = _data()
    _train(
        max_epochs=2,
        verbose=1,
        validation=(X, y, None),
        validation_scorer=lambda *_: 0.5,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    pattern = (
        r"Iteration 2, loss = \d+\.\d{8} - val_loss = \d+\.\d{8}"
        r" - val_score = 0\.50000000 - \d+\.\d\ds"
    )
    assert re.fullmatch(pattern, lines[1])


def test_callbacks_can_stop_and_caches_are_cleared():
    net, _, history = _train(max_epochs=10, callbacks=[lambda e, h, n: e == 1])
    assert history.n_epochs == 2 and history.interrupted and not history.stopped
    assert all(layer._cache is None for layer in net.walk())
    assert all(p.grad is None for p in net.parameters())


def test_schedule_sets_the_rate_of_the_next_epoch():
    _, optimizer, history = _train(
        max_epochs=3, schedule=nn.PiecewiseConstant([1, 2], [0.3, 0.2, 0.1])
    )
    assert history.learning_rate == [0.3, 0.2, 0.1]
    _, _, history = _train(max_epochs=2, schedule=nn.InverseScaling(0.1))
    assert history.learning_rate[1] == pytest.approx(0.1 / 41**0.5)


def test_invalid_inputs_raise():
    X, y = _data()
    with pytest.raises(ValueError, match="0 samples"):
        _train(X=X[:0], y=y[:0])
    with pytest.raises(ValueError, match="samples but y has"):
        _train(X=X, y=y[:5])
    with pytest.raises(ValueError, match="needs validation"):
        _train(early_stopping=nn.EarlyStopping("val_loss"))
    with pytest.raises(ValueError, match="validation_scorer"):
        _train(validation=(X, y, None), early_stopping=nn.EarlyStopping("val_score"))


def test_zero_weight_batches_are_skipped():
    X, y = _data()
    w = np.ones(40)
    w[:8] = 0
    _, optimizer, history = _train(
        sample_weight=w, batch_size=8, shuffle=False, max_epochs=1
    )
    assert optimizer.iterations == 4 and np.isfinite(history.loss[0])


def test_inference_is_thread_safe_after_training():
    X, y = _data(n=400)
    net = nn.Sequential(
        [
            nn.Dense(16),
            nn.BatchNormalization(),
            nn.Activation("relu"),
            nn.Dropout(0.2),
            nn.Dense(1),
        ]
    )
    net.build((3,), np.random.default_rng(0))
    _train(net, X=X, y=y, max_epochs=2)
    expected = net.forward(X)
    results = [None] * 8

    def predict(i):
        for _ in range(20):
            results[i] = net.forward(X, training=False)

    threads = [threading.Thread(target=predict, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for result in results:
        np.testing.assert_array_equal(result, expected)


def test_history_pickles_without_saved_weights_but_deep_copies_them():
    import copy
    import pickle

    X, y = _data()
    _, _, history = _train(
        max_epochs=2,
        validation=(X, y, None),
        early_stopping=nn.EarlyStopping("val_loss", patience=10),
    )
    assert history.best_weights is not None
    assert pickle.loads(pickle.dumps(history)).best_weights is None
    clone = copy.deepcopy(history)
    assert len(clone.best_weights) == len(history.best_weights)
    for copied, original in zip(clone.best_weights, history.best_weights):
        assert copied is not original
        np.testing.assert_array_equal(copied, original)
    for name, values in history.as_dict().items():
        assert getattr(clone, name) == values, name
        if isinstance(values, list):
            assert getattr(clone, name) is not values, name
    clone.loss.append(1.0)
    assert len(clone.loss) == len(history.loss) + 1


def test_a_small_network_learns_digits():
    from sklearn.datasets import load_digits

    rng = np.random.default_rng(0)
    X, y = load_digits(return_X_y=True)
    net = nn.Sequential([nn.Dense(32), nn.Activation("relu"), nn.Dense(10)])
    net.build((64,), rng)
    history = nn.train(
        net,
        nn.CategoricalCrossEntropy(),
        nn.Adam(0.01),
        X / 16,
        y,
        max_epochs=10,
        rng=rng,
    )
    assert history.loss[-1] < 0.2 * history.loss[0]
    assert (net.forward(X / 16).argmax(axis=1) == y).mean() > 0.95
