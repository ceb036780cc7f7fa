"""Dropout: inverted scaling, inference identity, MC mode and MC copies."""

import numpy as np
import pytest

from skdeep import nn


def _dropout(rate, mc=False, seed=0, shape=(1000,)):
    layer = nn.Dropout(rate, mc=mc)
    layer.build(shape, np.random.default_rng(seed))
    return layer


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_mask_scaling_preserves_the_expected_value(rate):
    x = np.full((200, 1000), 3.0)
    y = _dropout(rate).forward(x, training=True)
    kept = y != 0
    assert kept.mean() == pytest.approx(1 - rate, abs=0.01)
    np.testing.assert_allclose(y[kept], 3.0 / (1 - rate))
    assert y.mean() == pytest.approx(3.0, rel=0.02)


def test_backward_uses_the_same_mask():
    layer = _dropout(0.5)
    y = layer.forward(np.ones((4, 1000)), training=True)
    dx = layer.backward(np.ones_like(y))
    np.testing.assert_array_equal(dx, y)


def test_inference_is_the_identity_and_rate_zero_is_a_no_op():
    x = np.random.default_rng(0).normal(size=(3, 1000))
    assert _dropout(0.5).forward(x, training=False) is x
    np.testing.assert_array_equal(_dropout(0.0).forward(x, training=True), x)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        _dropout(1.0)


def test_mc_mode_keeps_dropping_at_inference():
    layer = _dropout(0.5, mc=True)
    x = np.ones((2, 1000))
    first, second = layer.forward(x), layer.forward(x)
    assert np.any(first == 0) and not np.array_equal(first, second)
    assert layer._cache is None


def test_mc_dropout_copy_leaves_the_network_alone():
    net = nn.Sequential([nn.Dense(50), nn.Dropout(0.5), nn.Dense(1)])
    net.build((4,), np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(10, 4))
    deterministic = net.forward(X)
    mc = nn.mc_dropout_copy(net, np.random.default_rng(2))
    samples = np.stack([mc.forward(X) for _ in range(30)])
    assert samples.std(axis=0).min() > 0
    np.testing.assert_array_equal(net.forward(X), deterministic)
    assert not net.layers[1].mc
    # same rng seed -> same Monte-Carlo samples
    again = nn.mc_dropout_copy(net, np.random.default_rng(2))
    np.testing.assert_array_equal(again.forward(X), samples[0])
    # the MC mean approaches the deterministic prediction
    many = np.stack([mc.forward(X) for _ in range(400)]).mean(axis=0)
    scale = np.abs(deterministic).mean()
    assert np.abs(many - deterministic).mean() < 0.25 * scale
