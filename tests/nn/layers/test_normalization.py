"""BatchNormalization: training vs inference mode, running statistics, ranks."""

import numpy as np
import pytest

from skdeep import nn


def _layer(shape=(3,), **kwargs):
    layer = nn.BatchNormalization(**kwargs)
    layer.build(shape, np.random.default_rng(0))
    return layer


def test_training_mode_normalises_each_channel_over_the_batch():
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(256, 3))
    y = _layer(epsilon=0.0).forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1, atol=1e-12)


def test_running_statistics_follow_the_momentum_rule_and_drive_inference():
    rng = np.random.default_rng(1)
    layer = _layer(momentum=0.5, epsilon=1e-3)
    batches = [rng.normal(2.0, 4.0, size=(64, 3)) for _ in range(2)]
    mean, var = np.zeros(3), np.ones(3)
    for batch in batches:
        layer.forward(batch, training=True)
        mean = 0.5 * mean + 0.5 * batch.mean(axis=0)
        var = 0.5 * var + 0.5 * batch.var(axis=0)
    np.testing.assert_allclose(layer.state["moving_mean"], mean)
    np.testing.assert_allclose(layer.state["moving_variance"], var)
    x = rng.normal(size=(5, 3))
    expected = (x - mean) / np.sqrt(var + 1e-3)
    np.testing.assert_allclose(layer.forward(x, training=False), expected)
    # inference on a single sample does not depend on the rest of the batch
    np.testing.assert_allclose(layer.forward(x[:1]), expected[:1])


def test_inference_leaves_running_statistics_alone():
    layer = _layer()
    before = layer.get_weights()
    layer.forward(np.full((4, 3), 10.0), training=False)
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_rank_generic_normalises_over_all_axes_but_the_last():
    x = np.random.default_rng(2).normal(3.0, 2.0, size=(8, 5, 4, 2))
    layer = _layer(shape=(5, 4, 2), epsilon=0.0)
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 1, 2)), 1, atol=1e-12)
    assert layer.params["gamma"].value.shape == (2,)


def test_scale_and_offset_are_learned_parameters_without_penalty():
    layer = _layer()
    assert [p.name for p in layer.parameters()] == ["gamma", "beta"]
    assert not any(p.regularize for p in layer.parameters())
    layer.params["gamma"].value[:] = 2.0
    layer.params["beta"].value[:] = -1.0
    y = layer.forward(np.random.default_rng(3).normal(size=(50, 3)), training=True)
    assert y.mean(axis=0) == pytest.approx([-1.0] * 3)
    assert _layer(center=False, scale=False).parameters() == []


def _first_to_last_gradient_ratio(batch_norm, depth=10):
    rng = np.random.default_rng(0)
    layers = []
    for _ in range(depth):
        layers.append(nn.Dense(64))
        if batch_norm:
            layers.append(nn.BatchNormalization())
        layers.append(nn.Activation("logistic"))
    net = nn.Sequential([*layers, nn.Dense(1)])
    net.build((64,), rng)
    raw = net.forward(rng.standard_normal((256, 64)), training=True)
    net.backward(nn.SquaredError().gradient(np.ones((256, 1)), raw))
    norms = [np.linalg.norm(p.grad) for p in net.parameters() if p.name == "kernel"]
    return norms[0] / norms[-2]


def test_batch_norm_stops_gradients_vanishing_in_a_deep_logistic_stack():
    assert _first_to_last_gradient_ratio(batch_norm=False) < 1e-4
    assert _first_to_last_gradient_ratio(batch_norm=True) > 1e-1
