"""scikit-learn's epoch orders: generator, shuffle, binary and one-vs-all parity."""

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import Perceptron
from skdeep.neural_network._perceptron_fit import validation_intercept_scale
from skdeep.neural_network._perceptron_kernel import _needs_intercept_path
from skdeep.neural_network._perceptron_order import (
    SklearnShuffle,
    fisher_yates_permutation,
    xorshift_outputs,
)
from skdeep.neural_network._perceptron_rounds import InterceptPath


def _xorshift_reference(seed, count):
    state, out = (seed & 0xFFFFFFFF) or 1, []
    for _ in range(count):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        out.append(state)
    return out


def _swaps_reference(targets):
    items = list(range(len(targets) + 1))
    for i, j in enumerate(targets):
        items[i], items[j] = items[j], items[i]
    return items


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 - 1, 2**32 + 5])
@pytest.mark.parametrize("count", [0, 1, 2, 3, 31, 100, 1025])
def test_xorshift_outputs_follow_the_recurrence(seed, count):
    assert xorshift_outputs(seed, count).tolist() == _xorshift_reference(seed, count)


@pytest.mark.parametrize("n", [1, 2, 3, 8, 50, 300])
def test_fisher_yates_permutation_equals_the_sequential_swaps(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        targets = np.array([rng.integers(i, n) for i in range(n - 1)], dtype=np.intp)
        if n > 1 and rng.random() < 0.3:
            targets[:] = np.arange(n - 1)  # no swaps at all
        assert fisher_yates_permutation(targets).tolist() == _swaps_reference(targets)


def test_each_epoch_applies_the_same_permutation_and_skips_held_out_samples():
    shuffle = SklearnShuffle(10, 7)
    first = shuffle.permutation(np.arange(10))
    second = shuffle.permutation(np.arange(10))
    assert sorted(first) == list(range(10))
    np.testing.assert_array_equal(second, first[shuffle.step])
    held_out = SklearnShuffle(10, 7)
    kept = np.array([0, 2, 3, 5, 9])
    np.testing.assert_array_equal(
        held_out.permutation(kept), [i for i in first if i in kept]
    )


def _binary_sets():
    X, y = make_classification(300, 6, random_state=3)
    yield "generated", X, y
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast cancer", StandardScaler().fit_transform(X), y
    # Noisy and low-dimensional: a mistake in every few samples, so windows
    # finish on the margin scan (many mistakes per window).
    X, y = make_classification(1500, 8, n_informative=3, flip_y=0.2, random_state=4)
    yield "hard", X, y
    X = sp.random(400, 40, density=0.1, format="lil", random_state=0)
    X[np.arange(400), np.arange(400) % 40] = np.random.default_rng(1).uniform(size=400)
    X = X.tocsr()
    yield "sparse", X, (X @ np.random.default_rng(0).normal(size=40) > 0).astype(int)
    # Very sparse, with empty rows: many decisions are the intercept alone, a
    # running sum of +-0.01 steps whose last bit decides the mistake (the
    # kernel's InterceptPath adds them in scikit-learn's order).
    X = sp.random(500, 300, density=0.01, format="csr", random_state=2)
    assert (np.diff(X.indptr) == 0).any()
    yield "very sparse", X, (X @ np.random.default_rng(2).normal(size=300) > 0) * 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"random_state": 5},
        {"max_iter": 7, "tol": None},
        {"penalty": "l2", "alpha": 1e-3},
        {"class_weight": "balanced"},
        {"early_stopping": True},
        # scikit-learn scores the validation set with its stored weights,
        # which an L2 penalty leaves divided by a running scale.
        {"early_stopping": True, "penalty": "l2", "random_state": 2},
        {"early_stopping": True, "penalty": "l2", "alpha": 0.01, "random_state": 4},
        {"eta0": 0.1, "fit_intercept": False},
        {"tol": 1e-2, "n_iter_no_change": 2},
        {"eta0": 0.3, "class_weight": {0: 0.7, 1: 1.9}},
    ],
)
def test_binary_fit_equals_sklearn_with_shuffling(params):
    for name, X, y in _binary_sets():
        ours = Perceptron(**params).fit(X, y)
        theirs = SkPerceptron(**params).fit(X, y)
        assert ours.n_iter_ == theirs.n_iter_, name
        assert ours.t_ == theirs.t_, name
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-10)
        # The intercept is a running sum of the same floats in the same order.
        np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)


@pytest.mark.parametrize(
    "params",
    [{}, {"random_state": 3}, {"penalty": "l2", "alpha": 1e-3},
     {"early_stopping": True}, {"class_weight": "balanced"},
     {"early_stopping": True, "penalty": "l2", "random_state": 5}],
)  # fmt: skip
def test_one_vs_all_problems_follow_sklearn_orders(params):
    """Shared windows follow the first problem's scikit-learn order; one
    problem per ``n_jobs`` group gives every problem its own, as sklearn."""
    X, y = make_classification(600, 8, n_informative=5, n_classes=4, random_state=0)
    theirs = SkPerceptron(**params).fit(X, y)
    shared = Perceptron(**params).fit(X, y)
    np.testing.assert_allclose(shared.coef_[0], theirs.coef_[0], rtol=1e-10)
    assert shared.intercept_[0] == theirs.intercept_[0]
    split = Perceptron(n_jobs=4, **params).fit(X, y)
    np.testing.assert_allclose(split.coef_, theirs.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(split.intercept_, theirs.intercept_)
    assert split.n_iter_ == theirs.n_iter_
    assert split.t_ == theirs.t_


def test_one_vs_all_partial_fit_and_sparse_follow_sklearn_orders():
    X, y = make_classification(500, 6, n_informative=4, n_classes=3, random_state=1)
    ours, theirs = Perceptron(random_state=1, n_jobs=3), SkPerceptron(random_state=1)
    for _ in range(3):
        ours.partial_fit(X, y, classes=[0, 1, 2])
        theirs.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-12)
    assert ours.t_ == theirs.t_
    X_sparse = sp.csr_matrix(np.where(np.abs(X) > 1, X, 0.0))
    ours = Perceptron(random_state=2, n_jobs=3).fit(X_sparse, y)
    theirs = SkPerceptron(random_state=2).fit(X_sparse, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
    assert ours.n_iter_ == theirs.n_iter_


def test_incremental_and_weighted_binary_fits_equal_sklearn():
    X, y = make_classification(200, 5, random_state=1)
    ours, theirs = Perceptron(random_state=1), SkPerceptron(random_state=1)
    for _ in range(3):
        ours.partial_fit(X, y, classes=[0, 1])
        theirs.partial_fit(X, y, classes=[0, 1])
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10)
    weights = np.random.RandomState(0).uniform(0.1, 2.0, size=y.size)
    ours = Perceptron(random_state=2, warm_start=True, max_iter=3, tol=None)
    theirs = SkPerceptron(random_state=2, warm_start=True, max_iter=3, tol=None)
    for _ in range(2):
        ours.fit(X, y, sample_weight=weights)
        theirs.fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-10)


def test_intercept_path_adds_the_updates_in_visiting_order():
    rng = np.random.default_rng(0)
    units = rng.choice([-0.01, 0.01, 0.3, -0.7], size=(3, 50))
    mistakes = rng.random((3, 50)) < 0.5
    start = np.array([0.1, -0.2, 0.0])
    current = rng.normal(size=(3, 50))
    path = InterceptPath(start, units)
    seen = path.total(current, mistakes)
    for c in range(3):
        running = start[c]
        for k in range(50):
            assert seen[c, k] == current[c, k] + running
            if mistakes[c, k]:
                running = running + units[c, k]
        assert path.end(mistakes)[c] == running


@pytest.mark.parametrize(
    ("steps", "intercept_step", "expected"),
    [
        ([1.0, -1.0], 1.0, False),
        ([2.0, -3.0], 0.01, True),
        ([0.1, -0.1], 1.0, True),
        ([0.5, 1.0], 0.0, False),
    ],  # fmt: skip
)
def test_the_path_is_used_only_when_intercept_sums_can_round(
    steps, intercept_step, expected
):
    signed = np.array([steps])
    assert _needs_intercept_path(signed, intercept_step) is expected


def _row_scan_instead(y, steps, current, mistaken, X, intercept_step, profiles=None):
    """``_margin_scan``'s work done by the row-forming scan."""
    from skdeep.neural_network import _perceptron_scan as scan
    from skdeep.neural_network._perceptron_influence import Profiles

    shrink = 1.0 if profiles is None else profiles.shrink
    profiles = Profiles(X.shape[0], shrink, intercept_step, X.dtype)
    influence = SimpleNamespace(X=X, profiles=profiles)
    scan._row_scan(y, steps, current, mistaken, influence)


@pytest.mark.parametrize("shrink", [1.0, 0.99])
@pytest.mark.parametrize("intercept_step", [1.0, 0.0, 3.0])
def test_margin_scan_finds_the_mistakes_of_the_row_scan(intercept_step, shrink):
    # Under L2 the margin rows carry shrink ** k and shrink ** -(j + 1).
    from skdeep.neural_network import _perceptron_scan as scan
    from skdeep.neural_network._perceptron_influence import Profiles

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 7))
    y = np.where(rng.random(300) < 0.5, -1.0, 1.0)
    steps = y * rng.choice([1.0, 2.0], size=300)
    decisions = rng.normal(size=300)  # about half of the samples start wrong
    profiles = Profiles(400, shrink, intercept_step, X.dtype)
    results = []
    for scan_function in (scan._margin_scan, _row_scan_instead):
        current, mistaken = decisions.copy(), np.zeros(300, dtype=bool)
        scan_function(y, steps, current, mistaken, X, intercept_step, profiles)
        results.append((current, mistaken))
    (seen, mistaken), (expected_seen, expected) = results
    assert 30 < mistaken.sum() < 250
    np.testing.assert_array_equal(mistaken, expected)
    np.testing.assert_allclose(seen, expected_seen, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mistake_rate", [None, 0.001, 0.5])
@pytest.mark.parametrize("wrong_fraction", [0.01, 0.05, 0.5])
def test_single_scan_finds_the_mistakes_of_the_row_scan(wrong_fraction, mistake_rate):
    """Sparse first mistakes keep the row scan going; dense ones (or a dense
    recent rate) switch to the margin scan: the same mistakes either way."""
    from skdeep.neural_network import _perceptron_scan as scan
    from skdeep.neural_network._perceptron_influence import Profiles

    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 40)) / 10
    y = np.where(rng.random(600) < 0.5, -1.0, 1.0)
    decisions = y * rng.uniform(0.01, 1.0, size=600)
    decisions[rng.random(600) < wrong_fraction] *= -1
    profiles = Profiles(600, 1.0, 1.0, X.dtype)
    influence = SimpleNamespace(X=X, profiles=profiles, mistake_rate=mistake_rate)
    updates, seen, _ = scan.single_scan(y[None], y[None], decisions[None], influence)
    current, mistaken = decisions.copy(), np.zeros(600, dtype=bool)
    scan._row_scan(y, y, current, mistaken, influence)
    assert mistaken.sum() > 5
    np.testing.assert_array_equal(updates[0] != 0, mistaken)
    np.testing.assert_allclose(seen[0], current, rtol=1e-12, atol=1e-12)


def test_margin_scan_fits_the_model_of_the_row_scan(monkeypatch):
    from skdeep.neural_network import _perceptron_scan as scan

    X, y = make_classification(1500, 8, n_informative=3, flip_y=0.2, random_state=4)
    calls = []
    margin_scan = scan._margin_scan
    monkeypatch.setattr(
        scan, "_margin_scan", lambda *a: calls.append(1) or margin_scan(*a)
    )
    fitted = Perceptron(max_iter=5, tol=None, class_weight={0: 2.0, 1: 1.0}).fit(X, y)
    assert len(calls) > 20
    monkeypatch.setattr(scan, "_margin_scan", _row_scan_instead)
    reference = Perceptron(max_iter=5, tol=None, class_weight={0: 2.0, 1: 1.0})
    reference.fit(X, y)
    np.testing.assert_allclose(fitted.coef_, reference.coef_, rtol=1e-12)
    np.testing.assert_array_equal(fitted.intercept_, reference.intercept_)


@pytest.mark.parametrize("shrink", [0.9, 0.999, 1 - 1e-7, 1.0, 0.0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_validation_intercept_scale_follows_sklearns_running_scale(shrink, dtype):
    # scikit-learn multiplies its scale by the shrinkage at every trained
    # sample and resets it to 1 once it drops below 1e-9 (1e-6 in float32).
    threshold = 1e-9 if dtype == np.float64 else 1e-6
    scale, seen = 1.0, {}
    for n_scaled in range(1, 3001):
        scale *= shrink
        if scale < threshold:
            scale = 1.0
        seen[n_scaled] = scale
    for n_scaled in (1, 2, 195, 196, 197, 1000, 2999, 3000):
        expected = seen[n_scaled]
        got = validation_intercept_scale(shrink, n_scaled, dtype)
        np.testing.assert_allclose(got, expected, rtol=1e-9)
