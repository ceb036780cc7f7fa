"""Activation registry: derivatives by finite differences, known values, dtypes."""

import numpy as np
import pytest

from skdeep.nn import functional as F
from skdeep.nn.functional import ACTIVATIONS, get_activation, log_softmax, softmax


def _cube(x):
    return x**3


def _cube_derivative(x, y):
    return 3 * x**2


SPECS = [(name, {}) for name in ACTIVATIONS] + [
    ("leaky_relu", {"alpha": 0.3}),
    ("elu", {"alpha": 0.5}),
    ("gelu", {"approximate": True}),
    ((_cube, _cube_derivative), {}),
]
SPEC_IDS = [s if isinstance(s, str) else "user_pair" for s, _ in SPECS]


def _points():
    x = np.linspace(-5, 5, 201)
    return x[np.abs(x) > 1e-3]  # kinks at 0 (relu family) and +-3 (hard_sigmoid)


@pytest.mark.parametrize(("spec", "kwargs"), SPECS, ids=SPEC_IDS)
def test_derivative_matches_finite_differences(spec, kwargs):
    function, derivative = get_activation(spec, **kwargs)
    x = _points()
    x = x[np.abs(np.abs(x) - 3) > 1e-3]
    h = 1e-6
    numeric = (function(x + h) - function(x - h)) / (2 * h)
    np.testing.assert_allclose(
        derivative(x, function(x)), numeric, rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(("spec", "kwargs"), SPECS, ids=SPEC_IDS)
def test_float32_is_preserved(spec, kwargs):
    function, derivative = get_activation(spec, **kwargs)
    x = _points().astype(np.float32)
    y = function(x)
    assert y.dtype == np.float32
    assert derivative(x, y).dtype == np.float32


def test_known_values():
    x = np.array([-2.0, 0.5])
    assert get_activation("relu")[0](x).tolist() == [0.0, 0.5]
    assert get_activation("step")[0](x).tolist() == [0.0, 1.0]
    assert get_activation("logistic")[0](np.array([0.0])).tolist() == [0.5]
    np.testing.assert_allclose(get_activation("leaky_relu")[0](x), [-0.02, 0.5])
    np.testing.assert_allclose(get_activation("elu")[0](x), [np.expm1(-2), 0.5])
    np.testing.assert_allclose(
        get_activation("selu")[0](x),
        [F.SELU_SCALE * F.SELU_ALPHA * np.expm1(-2), F.SELU_SCALE * 0.5],
    )
    np.testing.assert_allclose(get_activation("softplus")[0](np.zeros(1)), np.log(2))
    np.testing.assert_allclose(get_activation("softsign")[0](x), [-2 / 3, 0.5 / 1.5])
    np.testing.assert_allclose(
        get_activation("hard_sigmoid")[0](np.array([-4.0, 0.0, 1.5, 4.0])),
        [0.0, 0.5, 0.75, 1.0],
    )
    np.testing.assert_allclose(get_activation("swish")[0](x), x / (1 + np.exp(-x)))
    np.testing.assert_allclose(
        get_activation("mish")[0](x), x * np.tanh(np.log1p(np.exp(x)))
    )
    # exact GELU: x * Phi(x); Phi(1) = 0.8413447...
    np.testing.assert_allclose(
        get_activation("gelu")[0](np.ones(1)), 0.8413447460685429
    )
    assert get_activation("step")[1](x, x).tolist() == [0.0, 0.0]


def test_logistic_is_stable_for_large_inputs():
    with np.errstate(all="raise"):
        y = get_activation("logistic")[0](np.array([-1000.0, 1000.0]))
    assert y.tolist() == [0.0, 1.0]


@pytest.mark.parametrize(("dtype", "ulps"), [(np.float64, 4), (np.float32, 4)])
def test_logistic_agrees_with_scipy_expit_to_a_few_ulp(dtype, ulps):
    from scipy.special import expit

    x = np.concatenate(
        [np.linspace(-100, 100, 20001), [-740.0, -89.0, -30.0, 0.0, 40.0, 800.0]]
    ).astype(dtype)
    y = get_activation("logistic")[0](x)
    assert y.dtype == dtype
    reference = expit(x.astype(np.float64))
    # Relative to the value, so the far-left tail (down to 1e-38) counts;
    # below the smallest normal number only the absolute error can be small.
    normal = reference >= np.finfo(dtype).tiny
    error = np.abs(y[normal] - reference[normal]) / reference[normal]
    assert error.max() <= ulps * np.finfo(dtype).eps
    assert np.abs(y[~normal] - reference[~normal]).max() <= np.finfo(dtype).tiny
    out = np.empty_like(x)
    assert get_activation("logistic")[0](x, out=out) is out
    assert get_activation("logistic")[0](np.array([0, 3])).tolist() == [
        0.5,
        pytest.approx(expit(3.0), rel=1e-15),
    ]


def test_aliases_resolve_to_the_same_functions():
    for alias, name in [
        ("sigmoid", "logistic"),
        ("heaviside", "step"),
        ("silu", "swish"),
    ]:
        assert get_activation(alias) == get_activation(name)


def test_invalid_specs_raise_clear_errors():
    with pytest.raises(ValueError, match="Unknown activation 'nope'"):
        get_activation("nope")
    with pytest.raises(ValueError, match="pair of callables"):
        get_activation((np.tanh,))
    with pytest.raises(TypeError, match="activation must be"):
        get_activation(3)


@pytest.mark.parametrize("name", sorted(F.INPLACE))
def test_inplace_variants_match_the_functional_form(name):
    function, derivative = get_activation(name)
    forward_inplace, backward_inplace = F.INPLACE[name]
    x = _points()
    y = function(x)
    np.testing.assert_allclose(forward_inplace(x.copy()), y)
    dy = np.random.default_rng(0).standard_normal(x.shape)
    np.testing.assert_allclose(backward_inplace(dy.copy(), y), dy * derivative(x, y))


def test_softmax_rows_sum_to_one_and_are_stable():
    raw = np.array([[1000.0, 1000.0, -1000.0], [1.0, 2.0, 3.0]])
    proba = softmax(raw)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(np.exp(log_softmax(raw)), proba, atol=1e-300)
    expected = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(proba[1], expected)
    assert softmax(raw.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("spread", [1.0, 50.0, 200.0])
@pytest.mark.parametrize("axis", [1, 0])
def test_softmax_matches_extended_precision_for_any_spread_and_axis(spread, axis):
    # Rows of small spread are shifted by their mean, others by their maximum
    # (and other axes always by the maximum): every route is exact.
    raw = spread * np.random.default_rng(0).standard_normal((30, 6))
    exact = raw.astype(np.longdouble)
    exact = exact - exact.max(axis=axis, keepdims=True)
    log_exact = exact - np.log(np.exp(exact).sum(axis=axis, keepdims=True))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(
            log_softmax(raw, axis=axis), log_exact, rtol=1e-12, atol=1e-13
        )
        np.testing.assert_allclose(
            softmax(raw, axis=axis), np.exp(log_exact), rtol=1e-12, atol=1e-300
        )


def test_training_relu_equals_the_exact_relu_and_keeps_nan():
    from skdeep.nn.functional import INPLACE, INPLACE_TRAINING

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 33)).astype(np.float32)
    x[0, :4] = [0.0, -0.0, np.inf, np.nan]
    mask = np.full_like(x, 7.0)
    fast = INPLACE_TRAINING["relu"](x.copy(), mask)
    exact = INPLACE["relu"][0](x.copy())
    np.testing.assert_array_equal(fast, exact)  # -0.0 == 0.0, NaN == NaN
    assert np.isnan(fast[0, 3]) and fast[0, 2] == np.inf
    np.testing.assert_array_equal(mask, (x > 0).astype(x.dtype))
    # The backward pass through the mask equals the exact derivative's.
    dy = rng.standard_normal(x.shape).astype(np.float32)
    np.testing.assert_array_equal(dy * mask, INPLACE["relu"][1](dy.copy(), exact))
