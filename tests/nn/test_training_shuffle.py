"""train()'s batch order: one permutation per epoch, scikit-learn's stream."""

import numpy as np
import pytest

from skdeep import nn


class _RecordingNetwork(nn.Sequential):
    """Records the rows of each training batch it sees."""

    def __init__(self, layers):
        super().__init__(layers)
        self.seen = []

    def forward(self, x, training=False):
        if training:
            rows = x.toarray() if hasattr(x, "toarray") else x
            self.seen.append(np.asarray(rows)[:, 0].copy())
        return super().forward(x, training)


@pytest.mark.parametrize("sparse", [False, True])
def test_shuffled_batches_are_consecutive_slices_of_one_permutation(sparse):
    # Rows are gathered per batch from one permutation per epoch (dense) or
    # from one shuffled copy (sparse); both must give the same batches, with
    # their targets and weights.
    import scipy.sparse as sp

    n = 23
    X = np.c_[np.arange(n, dtype=float), np.ones(n)]
    y = X[:, :1] * 2.0
    weights = np.arange(1.0, n + 1)
    net = _RecordingNetwork([nn.Dense(1)])
    net.build((2,), np.random.default_rng(0))
    losses = []

    class Loss(nn.SquaredError):
        def value_and_gradient(self, y_batch, raw, sample_weight=None):
            losses.append((y_batch[:, 0].copy(), sample_weight.copy()))
            return super().value_and_gradient(y_batch, raw, sample_weight)

    rng = np.random.default_rng(3)
    X_in = sp.csr_matrix(X) if sparse else X
    nn.train(
        net,
        Loss(),
        nn.SGD(0.0),
        X_in,
        y,
        sample_weight=weights,
        batch_size=5,
        max_epochs=2,
        rng=rng,
    )
    expected = np.random.default_rng(3)
    for epoch in range(2):
        order = expected.permutation(n)
        for b, start in enumerate(range(0, n, 5)):
            rows = order[start : start + 5]
            np.testing.assert_array_equal(net.seen[epoch * 5 + b], rows)
            y_seen, w_seen = losses[epoch * 5 + b]
            np.testing.assert_array_equal(y_seen, 2.0 * rows)
            np.testing.assert_array_equal(w_seen, rows + 1.0)


def test_random_state_shuffles_as_scikit_learn_and_generator_afresh():
    # scikit-learn's MLP permutes the previous epoch's order each epoch.
    from sklearn.utils import shuffle

    from skdeep.nn.training import _epoch_order

    ours, reference = np.random.RandomState(7), np.random.RandomState(7)
    order, expected = None, np.arange(40)
    for _ in range(3):
        order = _epoch_order(ours, 40, order)
        expected = shuffle(expected, random_state=reference)
        np.testing.assert_array_equal(order, expected)
    generator = np.random.default_rng(7)
    np.testing.assert_array_equal(
        _epoch_order(generator, 40, order), np.random.default_rng(7).permutation(40)
    )
