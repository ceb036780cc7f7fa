"""Losses: finite-difference gradients, values against scikit-learn, weights, dtypes."""

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.neural_network._base import binary_log_loss, log_loss, squared_loss

try:  # scikit-learn >= 1.7 (MLPRegressor(loss="poisson"))
    from sklearn.neural_network._base import poisson_loss
except ImportError:
    poisson_loss = None

from skdeep import nn
from skdeep.utils._testing import check_loss_gradient

from .._versions import since_sklearn

# scikit-learn's MLP losses take sample weights from 1.7 on.
SK_WEIGHTED = pytest.param(True, marks=since_sklearn("1.7", "MLPs take sample weights"))


def _sk(loss, y, predicted, sample_weight):
    """A scikit-learn MLP loss, called without weights when there are none."""
    if sample_weight is None:
        return loss(y, predicted)
    return loss(y, predicted, sample_weight)


RNG = np.random.default_rng(0)
N, K = 6, 3
RAW = RNG.standard_normal((N, K))
WEIGHTS = RNG.uniform(0.1, 3.0, N)
LABELS = np.array([0, 2, 1, 1, 0, 2])
ONE_HOT = np.eye(K)[LABELS]
SIGNS = np.where(RNG.random((N, K)) < 0.5, -1.0, 1.0)
DISTRIBUTIONS = RNG.dirichlet(np.ones(K), size=N)


def _away_from_kinks(raw, y):
    # Nudge residuals/margins off the non-differentiable points.
    return raw + 0.3 * np.sign(raw - y + 1e-12)


CASES = [
    ("squared", nn.SquaredError(), RNG.standard_normal((N, K)), RAW),
    ("squared_1out", nn.SquaredError(), RNG.standard_normal((N, 1)), RAW[:, :1]),
    ("bce", nn.BinaryCrossEntropy(), (RNG.random((N, K)) < 0.5) * 1.0, RAW),
    ("cce_int", nn.CategoricalCrossEntropy(), LABELS, RAW),
    ("cce_onehot", nn.CategoricalCrossEntropy(), ONE_HOT, RAW),
    ("perceptron", nn.PerceptronLoss(), SIGNS, RAW),
    ("absolute", nn.AbsoluteError(), np.zeros((N, K)), _away_from_kinks(RAW, 0)),
    ("huber", nn.Huber(delta=0.7), np.zeros((N, K)), RAW * 2),
    ("hinge", nn.Hinge(), SIGNS, RAW),
    ("kl", nn.KLDivergence(), DISTRIBUTIONS, RAW),
    ("poisson", nn.Poisson(), RNG.poisson(2.0, (N, K)).astype(float), RAW),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("name", "loss", "y", "raw"), CASES, ids=IDS)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_finite_differences(name, loss, y, raw, weighted):
    if name in ("perceptron", "hinge"):
        margin = 0.0 if name == "perceptron" else 1.0
        raw = np.where(np.abs(y * raw - margin) < 0.1, raw + 0.3 * y, raw)
    if name == "huber":
        raw = np.where(np.abs(np.abs(raw) - 0.7) < 0.05, raw * 1.2, raw)
    check_loss_gradient(loss, y, raw, WEIGHTS if weighted else None, atol=1e-7)


@pytest.mark.parametrize(("name", "loss", "y", "raw"), CASES, ids=IDS)
def test_integer_weights_equal_repeated_rows(name, loss, y, raw):
    counts = np.array([1, 2, 0, 3, 1, 1])
    repeated = np.repeat(np.arange(N), counts)
    assert loss.value(y, raw, counts) == pytest.approx(
        loss.value(y[repeated], raw[repeated])
    )
    grad_weighted = loss.gradient(y, raw, counts)
    grad_repeated = loss.gradient(y[repeated], raw[repeated])
    summed = np.zeros_like(raw)
    np.add.at(summed, repeated, grad_repeated)
    np.testing.assert_allclose(grad_weighted, summed, atol=1e-12)


@pytest.mark.parametrize(("name", "loss", "y", "raw"), CASES, ids=IDS)
def test_float32_and_zero_weights(name, loss, y, raw):
    raw32 = raw.astype(np.float32)
    value, grad = loss.value_and_gradient(y, raw32)
    assert grad.dtype == np.float32 and np.isfinite(value)
    assert loss.link(raw32).dtype == np.float32
    value, grad = loss.value_and_gradient(y, raw, np.zeros(N))
    assert value == 0.0 and not np.any(grad)


@pytest.mark.parametrize("weighted", [False, SK_WEIGHTED])
def test_values_match_scikit_learn(weighted):
    w = WEIGHTS if weighted else None
    y = RNG.standard_normal((N, K))
    assert nn.SquaredError().value(y, RAW, w) == pytest.approx(
        _sk(squared_loss, y, RAW, w)
    )
    assert nn.CategoricalCrossEntropy().value(LABELS, RAW, w) == pytest.approx(
        _sk(log_loss, ONE_HOT, nn.softmax(RAW), w)
    )
    y01 = (RAW > 0.2) * 1.0
    bce = nn.BinaryCrossEntropy()
    assert bce.value(y01, RAW, w) == pytest.approx(
        _sk(binary_log_loss, y01, bce.link(RAW), w)
    )


@since_sklearn("1.7", "MLPRegressor gained the Poisson loss")
@pytest.mark.parametrize("weighted", [False, True])
def test_poisson_value_matches_scikit_learn(weighted):
    w = WEIGHTS if weighted else None
    counts = RNG.poisson(2.0, (N, K)).astype(float)
    poisson = nn.Poisson()
    assert poisson.value(counts, RAW, w) == pytest.approx(
        poisson_loss(counts, poisson.link(RAW), w)
    )


def test_links():
    np.testing.assert_allclose(
        nn.BinaryCrossEntropy().link(RAW), 1 / (1 + np.exp(-RAW))
    )
    np.testing.assert_allclose(nn.CategoricalCrossEntropy().link(RAW).sum(axis=1), 1)
    np.testing.assert_allclose(nn.Poisson().link(RAW), np.exp(RAW))
    assert nn.SquaredError().link(RAW) is RAW


def test_known_values_of_robust_and_margin_losses():
    y, raw = np.zeros((2, 1)), np.array([[0.5], [-3.0]])
    assert nn.AbsoluteError().value(y, raw) == pytest.approx(1.75)
    # Huber: 0.5*0.25 and 1*(3-0.5)
    assert nn.Huber().value(y, raw) == pytest.approx((0.125 + 2.5) / 2)
    signs = np.array([[1.0], [1.0]])
    assert nn.Hinge().value(signs, raw) == pytest.approx((0.5 + 4.0) / 2)
    assert nn.PerceptronLoss().value(signs, raw) == pytest.approx(1.5)
    # A sample on the boundary counts as a mistake (learning starts from zero).
    assert nn.PerceptronLoss().gradient(signs, np.zeros((2, 1))).tolist() == [
        [-0.5],
        [-0.5],
    ]


def test_kl_divergence_is_zero_at_the_target_and_cce_differs_by_entropy():
    target = nn.softmax(RAW)
    assert nn.KLDivergence().value(target, RAW) == pytest.approx(0, abs=1e-12)
    entropy = -np.mean(np.sum(target * np.log(target), axis=1))
    assert nn.CategoricalCrossEntropy().value(target, RAW) == pytest.approx(entropy)


def test_cross_entropies_are_stable_for_extreme_outputs():
    raw = np.array([[1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert nn.CategoricalCrossEntropy().value(np.array([1]), raw) == 2000.0
        assert nn.BinaryCrossEntropy().value(np.array([[0.0, 1.0]]), raw) == 2000.0


@pytest.mark.parametrize("spread", [1.0, 50.0, 200.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cce_shift_gives_the_exact_softmax_for_any_logit_spread(spread, dtype):
    # Small spreads shift by the row mean, large ones by the row maximum;
    # both must give the log-softmax computed in extended precision.
    rng = np.random.default_rng(0)
    raw = (spread * rng.standard_normal((40, 7))).astype(dtype)
    labels = rng.integers(0, 7, 40)
    exact = raw.astype(np.longdouble)
    exact = exact - exact.max(axis=1, keepdims=True)
    log_proba = exact - np.log(np.exp(exact).sum(axis=1, keepdims=True))
    expected = float(-log_proba[np.arange(40), labels].mean())
    loss = nn.CategoricalCrossEntropy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = loss.value_and_gradient(labels, raw)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert value == pytest.approx(expected, rel=rtol)
    proba = np.exp(log_proba).astype(np.float64)
    proba[np.arange(40), labels] -= 1
    np.testing.assert_allclose(grad, proba / 40, rtol=rtol * 10, atol=rtol / 40)
    assert grad.dtype == dtype


def test_integer_and_one_hot_targets_agree():
    loss = nn.CategoricalCrossEntropy()
    assert loss.value(LABELS, RAW, WEIGHTS) == pytest.approx(
        loss.value(ONE_HOT, RAW, WEIGHTS)
    )
    np.testing.assert_allclose(loss.gradient(LABELS, RAW), loss.gradient(ONE_HOT, RAW))


@pytest.mark.parametrize("n_outputs", [1, K])
@pytest.mark.parametrize("weighted", [False, True])
def test_output_summed_squared_error_gradient(n_outputs, weighted):
    # The value still averages over outputs; the gradient is that of the
    # per-sample sum, n_outputs times the value's derivative (checked against
    # finite differences of the value), in both gradient methods.
    w = WEIGHTS if weighted else None
    y, raw = RNG.standard_normal((N, n_outputs)), RAW[:, :n_outputs]
    summed, mean = nn.SquaredError("sum"), nn.SquaredError()
    assert summed.value(y, raw, w) == mean.value(y, raw, w)
    _, numeric = check_loss_gradient(mean, y, raw, w, atol=1e-7)
    for gradient in (
        summed.gradient(y, raw, w),
        summed.value_and_gradient(y, raw, w)[1],
    ):
        np.testing.assert_allclose(gradient, n_outputs * numeric, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="'mean' or 'sum'"):
        nn.SquaredError("max")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, SK_WEIGHTED])
def test_clipped_log_losses_match_scikit_learn(dtype, weighted):
    # Confidently wrong outputs on the even rows (margin 60: probabilities
    # round to 0 or 1) beside moderate ones: scikit-learn clips each
    # probability to [eps, 1 - eps], so those terms stop at -log(eps).  The
    # gradient is not clipped.
    w = WEIGHTS if weighted else None
    y01 = (RNG.random((N, K)) < 0.5).astype(dtype)
    raw_bce = RAW.astype(dtype)
    raw_bce[::2] = 60.0 * (1.0 - 2.0 * y01[::2])
    raw_cce = RAW.astype(dtype)
    raw_cce[::2][np.arange(N // 2), LABELS[::2]] -= 60.0
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    for loss, y, raw, reference in [
        (
            nn.BinaryCrossEntropy,
            y01,
            raw_bce,
            _sk(binary_log_loss, y01, expit(raw_bce), w),
        ),
        (nn.CategoricalCrossEntropy, LABELS, raw_cce, None),
        (nn.CategoricalCrossEntropy, ONE_HOT.astype(dtype), raw_cce, None),
    ]:
        if reference is None:
            reference = _sk(log_loss, ONE_HOT, softmax(raw, axis=1), w)
        clipped, exact = loss(clip_proba=True), loss()
        assert clipped.value(y, raw, w) == pytest.approx(reference, rel=rtol)
        value, gradient = clipped.value_and_gradient(y, raw, w)
        assert value == pytest.approx(reference, rel=rtol)
        assert exact.value(y, raw, w) > 1.3 * reference
        np.testing.assert_array_equal(gradient, exact.gradient(y, raw, w))
        moderate = RAW.astype(dtype)  # nothing to clip: the exact value
        assert clipped.value(y, moderate, w) == exact.value(y, moderate, w)
        overflowed = raw.copy()
        overflowed[1, 0] = np.inf  # an overflow stays non-finite
        with np.errstate(invalid="ignore"):
            assert not np.isfinite(clipped.value(y, overflowed, w))


def test_shape_mismatch_and_unknown_names_raise():
    with pytest.raises(ValueError, match="do not match"):
        nn.SquaredError().value(np.zeros((N, 2)), RAW)
    with pytest.raises(ValueError, match="labels for"):
        nn.CategoricalCrossEntropy().value(np.zeros(N + 1, dtype=int), RAW)
    with pytest.raises(ValueError, match="Unknown loss 'nope'"):
        nn.get_loss("nope")
    with pytest.raises(ValueError, match="delta"):
        nn.Huber(delta=0)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("squared_error", nn.SquaredError),
        ("binary_crossentropy", nn.BinaryCrossEntropy),
        ("categorical_crossentropy", nn.CategoricalCrossEntropy),
        ("perceptron", nn.PerceptronLoss),
        ("absolute_error", nn.AbsoluteError),
        ("huber", nn.Huber),
        ("hinge", nn.Hinge),
        ("kl_divergence", nn.KLDivergence),
        ("poisson", nn.Poisson),
    ],
)
def test_get_loss(name, cls):
    assert type(nn.get_loss(name)) is cls
