"""train_lbfgs: full-batch L-BFGS-B over a network's packed parameters."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdeep.nn import Activation, Dense, History, Sequential, get_loss
from skdeep.nn.lbfgs import train_lbfgs


def _linear_net(n_features, n_outputs=1, dtype=np.float64):
    net = Sequential([Dense(n_outputs)])
    net.build((n_features,), np.random.default_rng(0), dtype)
    return net


def test_linear_least_squares_with_l2_matches_ridge_closed_form():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.normal(size=(40, 1))
    l2 = 2.0
    net = _linear_net(3)
    result = train_lbfgs(net, get_loss("squared_error"), X, y, l2=l2, tol=1e-12)
    # minimise 1/(2n) |Xw + b - y|^2 + l2/(2n) |w|^2  <=>  ridge with alpha=l2
    Xc, yc = X - X.mean(0), y - y.mean(0)
    w = np.linalg.solve(Xc.T @ Xc + l2 * np.eye(3), Xc.T @ yc)
    assert_allclose(net.layers[0].params["kernel"].value, w, rtol=1e-5)
    assert result.status == 0


def test_weights_equal_repetitions_and_history_is_recorded():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(12, 2))
    y = (X[:, :1] > 0).astype(float)
    weights = rng.integers(0, 4, size=12).astype(float)
    loss = get_loss("binary_crossentropy")

    def fit(Xf, yf, sw):
        net = Sequential([Dense(3), Activation("tanh"), Dense(1)])
        net.build((2,), np.random.default_rng(0))
        history = History()
        result = train_lbfgs(
            net, loss, Xf, yf, sample_weight=sw, l2=0.1, max_iter=15, history=history
        )
        return net, result, history

    net_w, res_w, hist = fit(X, y, weights)
    net_r, res_r, _ = fit(
        X.repeat(weights.astype(int), 0), y.repeat(weights.astype(int), 0), None
    )
    assert res_w.fun == pytest.approx(res_r.fun, rel=1e-10)
    assert_allclose(net_w.forward(X), net_r.forward(X), rtol=1e-8)
    assert len(hist.loss) == res_w.nit <= 15
    assert hist.loss[-1] == pytest.approx(res_w.fun)
    assert all(a >= b - 1e-12 for a, b in zip(hist.loss, hist.loss[1:]))


def test_float32_network_stays_float32_and_max_fun_limits_work():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 4)).astype(np.float32)
    y = rng.normal(size=(30, 1)).astype(np.float32)
    net = Sequential([Dense(5), Activation("relu"), Dense(1)])
    net.build((4,), np.random.default_rng(0), np.float32)
    result = train_lbfgs(net, get_loss("squared_error"), X, y, max_fun=5)
    assert result.nfev <= 6 and result.status != 0
    assert all(p.value.dtype == np.float32 for p in net.parameters())
    assert all(p.grad is None for p in net.parameters())  # caches cleared
