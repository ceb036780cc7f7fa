"""Activation, PReLU and RReLU layer behaviour."""

import numpy as np
import pytest

from skdeep import nn


def _built(layer, shape=(3,)):
    layer.build(shape, np.random.default_rng(0))
    return layer


def test_activation_kwargs_and_unknown_names():
    layer = _built(nn.Activation("leaky_relu", alpha=0.5))
    np.testing.assert_allclose(
        layer.forward(np.array([[-2.0, 0.0, 2.0]])), [[-1, 0, 2]]
    )
    with pytest.raises(ValueError, match="Unknown activation"):
        _built(nn.Activation("swoosh"))


def test_inplace_path_inside_a_container_matches_the_plain_path():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 4))
    layers = [
        nn.Dense(5),
        nn.Activation("relu"),
        nn.Dense(5),
        nn.Activation("tanh"),
        nn.Dense(2),
    ]
    net = nn.Sequential(layers)
    net.build((4,), rng)
    y = net.forward(x, training=True)
    dx = net.backward(np.ones_like(y))
    grads = [p.grad.copy() for p in net.parameters()]
    # the same math, one public layer call at a time (no buffer reuse)
    h = x
    for layer in layers:
        h = layer.forward(h, training=True)
    np.testing.assert_allclose(h, y)
    g = np.ones_like(y)
    for layer in reversed(layers):
        g = layer.backward(g)
    np.testing.assert_allclose(g, dx)
    for p, expected in zip(net.parameters(), grads):
        np.testing.assert_allclose(p.grad, expected)


def test_prelu_slope_is_learned_per_channel():
    layer = _built(nn.PReLU(alpha_initializer=0.1))
    x = np.array([[-1.0, 2.0, -3.0]])
    np.testing.assert_allclose(layer.forward(x, training=True), [[-0.1, 2.0, -0.3]])
    layer.backward(np.ones((1, 3)))
    np.testing.assert_allclose(layer.params["alpha"].grad, [-1.0, 0.0, -3.0])
    assert not layer.params["alpha"].regularize


def test_rrelu_random_slopes_in_training_mean_slope_at_inference():
    layer = _built(nn.RReLU(lower=0.1, upper=0.3), shape=(1000,))
    x = -np.ones((5, 1000))
    slopes = -layer.forward(x, training=True)
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert slopes.std() > 0.03
    np.testing.assert_allclose(layer.forward(x), -0.2)
    np.testing.assert_allclose(layer.forward(-x, training=True), 1.0)
