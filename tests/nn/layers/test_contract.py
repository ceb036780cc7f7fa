"""One table-driven contract test over every layer of skdeep.nn.

For each layer: output shapes, finite-difference gradients (float64) for the
input and every parameter, ``training=False`` purity, pickling/deep-copy
round-trips and float32 preservation.
"""

import copy
import pickle

import numpy as np
import pytest

from skdeep import nn
from skdeep.nn.functional import ACTIVATIONS
from skdeep.utils._testing import check_layer_gradients


def _cube(x):
    return x**3


def _cube_derivative(x, y):
    return 3 * x**2


# (id, factory, input_shape, stochastic_at_inference)
LAYERS = [
    ("dense", lambda: nn.Dense(4), (3,), False),
    ("dense_rank3", lambda: nn.Dense(2), (2, 3), False),
    ("dense_no_bias", lambda: nn.Dense(2, use_bias=False), (3,), False),
    *[
        (f"activation_{name}", lambda name=name: nn.Activation(name), (4,), False)
        for name in ACTIVATIONS
    ],
    ("leaky_relu_alpha", lambda: nn.Activation("leaky_relu", alpha=0.2), (4,), False),
    ("elu_alpha", lambda: nn.Activation("elu", alpha=0.5), (4,), False),
    ("gelu_tanh", lambda: nn.Activation("gelu", approximate=True), (4,), False),
    ("user_pair", lambda: nn.Activation((_cube, _cube_derivative)), (4,), False),
    ("flatten", lambda: nn.Flatten(), (2, 3), False),
    (
        "sequential",
        lambda: nn.Sequential([nn.Dense(5), nn.Activation("tanh"), nn.Dense(2)]),
        (3,),
        False,
    ),
    (
        "sequential_inplace_chain",
        lambda: nn.Sequential(
            [
                nn.Dense(5),
                nn.Activation("relu"),
                nn.Dense(4),
                nn.Activation("logistic"),
                nn.Dense(4),
                nn.BatchNormalization(),
                nn.Activation("tanh"),
                nn.Dropout(0.3),
                nn.Dense(2),
            ]
        ),
        (3,),
        False,
    ),
    ("dropout", lambda: nn.Dropout(0.5), (6,), False),
    ("dropout_mc", lambda: nn.Dropout(0.3, mc=True), (6,), True),
    ("batchnorm", lambda: nn.BatchNormalization(), (3,), False),
    ("batchnorm_rank3", lambda: nn.BatchNormalization(momentum=0.5), (2, 3), False),
    (
        "batchnorm_plain",
        lambda: nn.BatchNormalization(center=False, scale=False),
        (3,),
        False,
    ),
    (
        "residual_identity",
        lambda: nn.Residual(nn.Sequential([nn.Dense(3), nn.Activation("tanh")])),
        (3,),
        False,
    ),
    (
        "residual_projection",
        lambda: nn.Residual(nn.Dense(4), shortcut=nn.Dense(4)),
        (3,),
        False,
    ),
    ("prelu", lambda: nn.PReLU(), (3,), False),
    ("rrelu", lambda: nn.RReLU(), (4,), False),
]
IDS = [row[0] for row in LAYERS]


def _built(factory, input_shape, dtype=np.float64, seed=0):
    layer = factory()
    output_shape = layer.build(input_shape, np.random.default_rng(seed), dtype)
    return layer, output_shape


def _input(input_shape, dtype=np.float64, n_samples=5, seed=1):
    x = np.random.default_rng(seed).standard_normal((n_samples, *input_shape))
    # Keep away from kinks (relu, step, hard_sigmoid at +-3) where finite
    # differences are meaningless.
    x = np.where(np.abs(x) < 0.05, 0.3, x)
    x = np.where(np.abs(np.abs(x) - 3) < 0.05, 2.5, x)
    return x.astype(dtype)


@pytest.mark.parametrize("row", LAYERS, ids=IDS)
def test_output_shapes(row):
    _, factory, input_shape, _ = row
    layer, output_shape = _built(factory, input_shape)
    assert layer.built and layer.output_shape == output_shape
    x = _input(input_shape)
    for training in (False, True):
        assert layer.forward(x, training=training).shape == (5, *output_shape)


@pytest.mark.parametrize("row", LAYERS, ids=IDS)
def test_finite_difference_gradients(row):
    _, factory, input_shape, _ = row
    layer, _ = _built(factory, input_shape)
    results = check_layer_gradients(
        layer,
        input_shape,
        rng=np.random.default_rng(2),
        x=_input(input_shape),
        rtol=1e-4,
        atol=1e-6,
    )
    assert len(results) == 1 + len(layer.parameters())


@pytest.mark.parametrize("row", LAYERS, ids=IDS)
def test_inference_is_pure(row):
    _, factory, input_shape, stochastic = row
    layer, _ = _built(factory, input_shape)
    x = _input(input_shape)
    x_before = x.copy()
    weights_before = layer.get_weights()
    first = layer.forward(x, training=False)
    second = layer.forward(x, training=False)
    np.testing.assert_array_equal(x, x_before)
    if not stochastic:
        np.testing.assert_array_equal(first, second)
    for sub in layer.walk():
        assert sub._cache is None
    for before, after in zip(weights_before, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("row", LAYERS, ids=IDS)
def test_training_forward_backward_do_not_modify_caller_arrays(row):
    _, factory, input_shape, _ = row
    layer, _ = _built(factory, input_shape)
    x = _input(input_shape)
    x_before = x.copy()
    y = layer.forward(x, training=True)
    dy = np.ones_like(y)
    layer.backward(dy)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dy, np.ones_like(y))


@pytest.mark.parametrize("row", LAYERS, ids=IDS)
@pytest.mark.parametrize("duplicate", ["pickle", "deepcopy"])
def test_pickle_and_deepcopy_round_trip(row, duplicate):
    _, factory, input_shape, stochastic = row
    layer, _ = _built(factory, input_shape)
    x = _input(input_shape)
    layer.forward(x, training=True)  # a cache must not break pickling
    if duplicate == "pickle":
        clone = pickle.loads(pickle.dumps(layer))
    else:
        clone = copy.deepcopy(layer)
    layer.clear_cache()
    for a, b in zip(layer.get_weights(), clone.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    if not stochastic:
        np.testing.assert_array_equal(
            layer.forward(x, training=False), clone.forward(x, training=False)
        )


@pytest.mark.parametrize("row", LAYERS, ids=IDS)
def test_float32_is_preserved(row):
    _, factory, input_shape, _ = row
    layer, _ = _built(factory, input_shape, dtype=np.float32)
    x = _input(input_shape, dtype=np.float32)
    assert layer.forward(x, training=False).dtype == np.float32
    y = layer.forward(x, training=True)
    assert y.dtype == np.float32
    dx = layer.backward(np.ones_like(y))
    assert dx.dtype == np.float32
    for param in layer.parameters():
        assert param.value.dtype == np.float32
        assert param.grad.dtype == np.float32
    for weight in layer.get_weights():
        assert weight.dtype == np.float32


@pytest.mark.parametrize("row", LAYERS, ids=IDS)
def test_set_weights_round_trip_and_clear_cache(row):
    _, factory, input_shape, _ = row
    layer, _ = _built(factory, input_shape)
    other, _ = _built(factory, input_shape, seed=5)
    other.set_weights(layer.get_weights())
    for a, b in zip(layer.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    y = layer.forward(_input(input_shape), training=True)
    layer.backward(np.ones_like(y))
    layer.clear_cache()
    assert all(sub._cache is None for sub in layer.walk())
    assert all(p.grad is None for p in layer.parameters())
