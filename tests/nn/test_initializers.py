"""Initialisers: variances, bounds, orthogonality, defaults; SELU self-normalisation."""

import numpy as np
import pytest

from skdeep import nn
from skdeep.nn.initializers import INITIALIZERS, default_initializer, get_initializer

FAN_IN, FAN_OUT = 400, 200
SHAPE = (FAN_IN, FAN_OUT)
VARIANCES = {
    "glorot_uniform": 2 / (FAN_IN + FAN_OUT),
    "glorot_normal": 2 / (FAN_IN + FAN_OUT),
    "he_uniform": 2 / FAN_IN,
    "he_normal": 2 / FAN_IN,
    "lecun_uniform": 1 / FAN_IN,
    "lecun_normal": 1 / FAN_IN,
}


def _draw(name, dtype=np.float64, seed=0):
    return get_initializer(name)(
        SHAPE, FAN_IN, FAN_OUT, np.random.default_rng(seed), dtype
    )


@pytest.mark.parametrize("name", sorted(VARIANCES))
def test_variance_scaling(name):
    w = _draw(name)
    assert w.shape == SHAPE
    assert w.var() == pytest.approx(VARIANCES[name], rel=0.03)
    assert abs(w.mean()) < 0.01 * np.sqrt(VARIANCES[name]) * 10
    if name.endswith("uniform"):
        assert np.abs(w).max() <= np.sqrt(3 * VARIANCES[name])
    else:  # truncated at two standard deviations of the underlying normal
        assert np.abs(w).max() <= 2 * np.sqrt(VARIANCES[name]) / 0.8796256610342398


@pytest.mark.parametrize("shape", [(12, 5), (5, 12), (4, 5, 6)])
def test_orthogonal(shape):
    w = get_initializer("orthogonal")(shape, 0, 0, np.random.default_rng(0))
    matrix = w.reshape(-1, shape[-1])
    if matrix.shape[0] >= matrix.shape[1]:
        np.testing.assert_allclose(matrix.T @ matrix, np.eye(shape[-1]), atol=1e-12)
    else:
        np.testing.assert_allclose(
            matrix @ matrix.T, np.eye(matrix.shape[0]), atol=1e-12
        )


@pytest.mark.parametrize("name", INITIALIZERS)
def test_dtype_and_reproducibility(name):
    def draw():
        rng = np.random.default_rng(3)
        return get_initializer(name)((8, 5), 8, 5, rng, np.float32)

    a = draw()
    assert a.dtype == np.float32 and a.shape == (8, 5)
    np.testing.assert_array_equal(a, draw())


def test_zeros_ones_and_callables():
    assert not np.any(_draw("zeros"))
    assert np.all(_draw("ones") == 1)

    def custom(shape, fan_in, fan_out, rng, dtype):
        return np.full(shape, 7.0, dtype=dtype)

    assert get_initializer(custom) is custom
    layer = nn.Dense(2, kernel_initializer=custom)
    layer.build((3,), np.random.default_rng(0))
    assert np.all(layer.params["kernel"].value == 7.0)
    with pytest.raises(ValueError, match="Unknown initializer"):
        get_initializer("nope")


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        ("relu", "he_normal"),
        ("leaky_relu", "he_normal"),
        ("elu", "he_normal"),
        ("gelu", "he_normal"),
        ("swish", "he_normal"),
        ("mish", "he_normal"),
        ("prelu", "he_normal"),
        ("rrelu", "he_normal"),
        ("selu", "lecun_normal"),
        ("tanh", "glorot_uniform"),
        ("logistic", "glorot_uniform"),
        ((np.tanh, lambda x, y: 1 - y * y), "glorot_uniform"),
    ],
)
def test_default_initializer(activation, expected):
    assert default_initializer(activation) == expected


def _activations_through_depth(activation, initializer, n_layers=10, width=100):
    rng = np.random.default_rng(0)
    layers = []
    for _ in range(n_layers):
        layers += [
            nn.Dense(width, kernel_initializer=initializer),
            nn.Activation(activation),
        ]
    net = nn.Sequential(layers)
    net.build((width,), rng)
    x = rng.standard_normal((1000, width))
    for layer in net.layers:
        x = layer.forward(x)
    return x


def test_selu_with_lecun_normal_self_normalises_through_ten_layers():
    out = _activations_through_depth("selu", "lecun_normal")
    assert abs(out.mean()) < 0.1
    assert out.std() == pytest.approx(1.0, abs=0.1)
    # the same depth with He's doubled variance, or with tanh, does not
    assert _activations_through_depth("selu", "he_normal").std() > 2
    assert _activations_through_depth("tanh", "lecun_normal").std() < 0.5
