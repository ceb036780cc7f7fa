"""The exact perceptron kernel against a per-sample reference: many windows,
single problems, sparse rows, quiet stretches and stopped classes."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.linear_model import Perceptron as SkPerceptron

from skdeep.neural_network import Perceptron
from skdeep.neural_network import _perceptron_rounds as rounds
from skdeep.neural_network._perceptron_kernel import WindowSizer, perceptron_epoch

from .test_perceptron import reference_perceptron


@pytest.mark.parametrize("shrink", [1.0, 0.97, 0.0])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("long_windows", [False, True])
def test_kernel_matches_reference_over_many_windows(shrink, sparse, long_windows):
    # Short windows of several problems take the whole-Gram rounds; windows
    # over 256 samples take the rounds over rows computed on demand.
    n = 900 if long_windows else 300
    rng = np.random.default_rng(3)
    X = rng.normal(size=(n, 5))
    y_sign = np.where(rng.random((2, n)) < 0.4, 1.0, -1.0)
    step = y_sign * rng.uniform(0.5, 1.5, n)
    order = rng.permutation(n)
    coef, intercept = np.zeros((2, 5)), np.zeros(2)
    if long_windows:
        sizer = WindowSizer(length=300, min_length=260, max_length=400)
    else:
        sizer = WindowSizer(length=7, min_length=3, max_length=40)
    data = sp.csr_matrix(X) if sparse else X
    loss = 0.0
    for _ in range(2):
        loss += perceptron_epoch(
            data, order, coef, intercept, y_sign, step, shrink=shrink, sizer=sizer
        )[0]
    for row in range(2):
        w, b, reference_loss = reference_perceptron(
            X[order], y_sign[row, order], step[row, order], epochs=2, shrink=shrink,
            with_loss=True,
        )  # fmt: skip
        assert_allclose(coef[row], w, atol=1e-10)
        assert_allclose(intercept[row], b, atol=1e-10)
        # The loss is summed from the decisions each sample saw.
        assert_allclose(loss[row], reference_loss, rtol=1e-10)


@pytest.mark.parametrize("shrink", [1.0, 0.97])
@pytest.mark.parametrize("rows", ["dense", "sparse_eager", "sparse_patient"])
@pytest.mark.parametrize("whole_steps", [True, False])  # no intercept path / path
def test_wandering_rounds_of_several_problems_finish_exactly(
    monkeypatch, shrink, rows, whole_steps
):
    # Unscaled, shifted features: one update moves later decisions by far
    # more than their margins, so the Jacobi rounds of long multi-problem
    # windows withdraw guesses.  Dense rows then hand over to the guarded
    # rounds; sparse rows rebuild their decisions until the rounds clearly
    # wander: here at once ("sparse_eager") or never ("sparse_patient").
    calls, rebuilds = [], []
    original, rebuilt = rounds._guarded_rounds, rounds._rebuilt

    def counting(y, *args, **kwargs):
        calls.append(y.shape[0])
        return original(y, *args, **kwargs)

    monkeypatch.setattr(rounds, "_guarded_rounds", counting)
    monkeypatch.setattr(
        rounds, "_rebuilt", lambda *a: rebuilds.append(1) or rebuilt(*a)
    )
    if rows != "dense":
        slack = 10**6 if rows == "sparse_patient" else -(10**6)
        monkeypatch.setattr(rounds, "_SPARSE_ROUNDS_SLACK", slack)
    rng = np.random.default_rng(4)
    n = 1200
    X = rng.normal(size=(n, 4)) * [8.0, 3.0, 12.0, 1.0] + [20.0, -5.0, 0.0, 7.0]
    y_sign = np.where((X - X.mean(axis=0)) @ rng.normal(size=(4, 3)) > 0, 1.0, -1.0).T
    step = y_sign * (1.0 if whole_steps else rng.uniform(0.5, 1.5, n))
    data, width = X, 4
    if rows != "dense":
        # Empty extra columns keep the windows too wide to be densified.
        width = 1000
        data = sp.hstack([sp.csr_matrix(X), sp.csr_matrix((n, width - 4))], "csr")
    coef, intercept = np.zeros((3, width)), np.zeros(3)
    sizer = WindowSizer(length=400, min_length=300, max_length=600)
    for _ in range(2):
        perceptron_epoch(
            data, np.arange(n), coef, intercept, y_sign, step, shrink=shrink,
            sizer=sizer,
        )  # fmt: skip
    if rows == "sparse_patient":
        assert rebuilds and 3 not in calls
    else:
        assert 3 in calls  # the multi-problem rounds were guarded
    if rows == "dense":
        assert not rebuilds
    for row in range(3):
        w, b = reference_perceptron(X, y_sign[row], step[row], epochs=2, shrink=shrink)
        assert_allclose(coef[row, :4], w, rtol=1e-9, atol=1e-9)
        assert_allclose(intercept[row], b, rtol=1e-9, atol=1e-9)
    assert not coef[:, 4:].any()


@pytest.mark.parametrize("sparse", [False, True])  # sequential scan, guarded rounds
@pytest.mark.parametrize("shrink", [1.0, 0.97])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_kernel_single_problem_matches_reference(sparse, shrink, fit_intercept):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(400, 4)) * [1.0, 5.0, 0.1, 2.0]
    y_sign = np.where(
        X @ [1.0, -0.5, 3.0, 0.2] + 0.3 * rng.normal(size=400) > 0, 1.0, -1.0
    )
    step = 0.5 * y_sign[None] * rng.uniform(0.5, 1.5, 400)
    coef, intercept = np.zeros((1, 4)), np.zeros(1)
    sizer = WindowSizer(length=200, min_length=50, max_length=400)
    data = sp.csr_matrix(X) if sparse else X
    for _ in range(3):
        perceptron_epoch(
            data,
            np.arange(400),
            coef,
            intercept,
            y_sign[None],
            step,
            shrink=shrink,
            intercept_step=float(fit_intercept),
            sizer=sizer,
        )
    w, b = reference_perceptron(
        X, y_sign, step[0], epochs=3, shrink=shrink, fit_intercept=fit_intercept
    )
    assert_allclose(coef[0], w, atol=1e-10)
    assert_allclose(intercept[0], b, atol=1e-10)


@pytest.mark.parametrize("candidates", ["default", "start_mistakes_only"])
@pytest.mark.parametrize("whole_steps", [True, False])  # no intercept path / path
@pytest.mark.parametrize("shrink", [1.0, 0.97])
def test_sparse_single_problem_candidate_warm_start_is_exact(
    monkeypatch, candidates, whole_steps, shrink
):
    # Wide sparse rows (kept sparse) of one problem: the window is first
    # solved on its likely mistakes, then verified on the whole window.  With
    # the start mistakes as the only candidates, later mistakes lie outside
    # them and the verification must find and add them.
    if candidates == "start_mistakes_only":
        monkeypatch.setattr(rounds, "_CANDIDATES_PER_WRONG", 1)
        monkeypatch.setattr(rounds, "_EXTRA_CANDIDATES", 0)
    calls = []
    original = rounds._candidate_rounds
    monkeypatch.setattr(
        rounds,
        "_candidate_rounds",
        lambda *a, **k: calls.append(1) or original(*a, **k),
    )
    rng = np.random.default_rng(11)
    X = sp.random(600, 400, density=0.03, format="csr", random_state=11)
    y_sign = np.where(
        X @ rng.normal(size=400) + 0.1 * rng.normal(size=600) > 0, 1.0, -1.0
    )
    step = y_sign * (1.0 if whole_steps else rng.uniform(0.5, 1.5, 600))
    coef, intercept = np.zeros((1, 400)), np.zeros(1)
    sizer = WindowSizer(length=300, min_length=100, max_length=400)
    for _ in range(3):
        perceptron_epoch(
            X, np.arange(600), coef, intercept, y_sign[None], step[None],
            shrink=shrink, sizer=sizer,
        )  # fmt: skip
    w, b = reference_perceptron(X.toarray(), y_sign, step, epochs=3, shrink=shrink)
    assert calls
    assert_allclose(coef[0], w, atol=1e-10)
    assert_allclose(intercept[0], b, atol=1e-10)


def test_sparse_duplicates_and_row_gather():
    from skdeep.neural_network._perceptron_data import dense_rows

    X = sp.random(40, 30, density=0.2, format="csr", random_state=0)
    positions = np.array([3, 0, 39, 7, 7])
    assert_array_equal(dense_rows(X, positions), X[positions].toarray())
    assert_array_equal(
        dense_rows(X, positions, transposed=True), X[positions].toarray().T
    )
    # Non-canonical CSR (duplicate entries) is summed, as scipy reads it.
    cols = np.array([1, 1, 0, 2, 1])
    y = np.array([0, 1, 0, 1])
    raw = sp.csr_matrix((np.ones(5), cols, np.array([0, 2, 3, 4, 5])), shape=(4, 3))
    assert not raw.has_canonical_format
    # No intercept: scikit-learn damps it on sparse input only.
    params = dict(shuffle=False, tol=None, max_iter=3, fit_intercept=False)
    ours = Perceptron(**params).fit(raw, y)
    dense = Perceptron(**params).fit(raw.toarray(), y)
    assert np.any(ours.coef_ != 0)
    assert_allclose(ours.coef_, dense.coef_)


def test_quiet_stretches_keep_the_kernel_exact(monkeypatch):
    import skdeep.neural_network._perceptron_data as data

    created = []
    original = data.QuietStretch.__init__

    def counting(self, X, coef):
        created.append(1)
        original(self, X, coef)

    monkeypatch.setattr(data.QuietStretch, "__init__", counting)
    # Attempt the fast path eagerly, so that both outcomes (a mistake ends the
    # stretch, or the epoch does) are exercised.
    monkeypatch.setattr(data, "QUIET_MAX_EXPECTED_MISTAKES", 100.0)
    rng = np.random.default_rng(11)
    X = rng.normal(size=(1500, 3))
    score = X @ [1.0, -2.0, 0.5]
    X, score = X[np.abs(score) > 0.5], score[np.abs(score) > 0.5]
    y_sign = np.where(score > 0, 1.0, -1.0)
    coef, intercept = np.zeros((1, 3)), np.zeros(1)
    sizer = WindowSizer(length=32, min_length=16, max_length=64)
    n = X.shape[0]
    orders = [rng.permutation(n) for _ in range(12)]
    for order in orders:
        perceptron_epoch(
            X, order, coef, intercept, y_sign[None], 0.7 * y_sign[None],
            shrink=0.9999, sizer=sizer,
        )  # fmt: skip
    assert created  # the fast path was taken
    # Replay the per-sample rule over the same visiting orders.
    w, b = np.zeros(3), 0.0
    for order in orders:
        for x_i, y_i in zip(X[order], y_sign[order]):
            margin = y_i * (w @ x_i + b)
            w *= 0.9999
            if margin <= 0:
                w += 0.7 * y_i * x_i
                b += 0.7 * y_i
    assert_allclose(coef[0], w, atol=1e-10)
    assert_allclose(intercept[0], b, atol=1e-10)


def test_stopped_classes_drop_out_exactly(monkeypatch):
    # A one-vs-all class that meets its stopping rule leaves the shared
    # windows; its weights and epoch count must be those of the same binary
    # problem fitted alone (and the still-active classes must be unaffected).
    import skdeep.neural_network._perceptron_fit as fit_module

    X, y = make_classification(
        300, 8, n_informative=6, n_classes=4, random_state=3, n_clusters_per_class=1
    )
    per_class = {}
    original = fit_module.train_problems

    def recording(*args, **kwargs):
        n_iter = original(*args, **kwargs)
        per_class[args[2].shape[0]] = n_iter.copy()
        return n_iter

    monkeypatch.setattr(fit_module, "train_problems", recording)
    multi = Perceptron(shuffle=False, max_iter=60).fit(X, y)
    n_iter = per_class[4]
    assert n_iter.min() < n_iter.max()  # some classes really stopped early
    assert multi.n_iter_ == n_iter.max()
    for c in range(4):
        alone = Perceptron(shuffle=False, max_iter=60).fit(X, y == c)
        assert_allclose(multi.coef_[c], alone.coef_[0], atol=1e-8)
        assert_allclose(multi.intercept_[c], alone.intercept_[0], atol=1e-8)
        assert per_class[1][0] == n_iter[c] == alone.n_iter_
        reference = SkPerceptron(shuffle=False, max_iter=60).fit(X, y == c)
        assert alone.n_iter_ == reference.n_iter_
        assert_allclose(alone.coef_, reference.coef_, atol=1e-8)


@pytest.mark.parametrize("intercept_step", [0.0, 1.0])
@pytest.mark.parametrize("shrink", [0.999, 0.9])
def test_factorized_shrink_rows_equal_the_gathered_factors(shrink, intercept_step):
    """Long-window influence rows under L2: broadcast factors where they
    cannot overflow, the gathered factor matrix otherwise; same rows."""
    from skdeep.neural_network._perceptron_influence import Profiles

    length = 700  # beyond the cached square factors
    profiles = Profiles(1024, shrink, intercept_step, np.float64)
    positions = np.array([0, 3, 250, 698, 699])
    gram = np.random.default_rng(0).normal(size=(positions.size, length))
    rows = gram.copy()
    profiles.apply(rows, positions, length)
    scale, offset = profiles._factors(positions, length)
    expected = gram * scale + (0.0 if offset is None else offset)
    assert profiles.factorizable(length) is (shrink == 0.999)
    assert_allclose(rows, expected, rtol=1e-13, atol=1e-14)
    assert_array_equal(rows == 0, expected == 0)  # earlier samples: exact zeros


@pytest.mark.parametrize("shrink", [1.0, 0.97])
@pytest.mark.parametrize("intercept_step", [1.0, 0.0])
def test_whole_window_influence_equals_its_definition(shrink, intercept_step):
    # The eager (syrk, upper triangle only) and the on-demand rows both equal
    # shrink ** (k - 1 - j) x_j @ x_k + intercept_step for k > j, 0 elsewhere.
    from skdeep.neural_network._perceptron_influence import Influence, Profiles

    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 6))
    j, k = np.meshgrid(np.arange(40), np.arange(40), indexing="ij")
    expected = np.where(
        k > j, shrink ** (k - 1.0 - j) * (X @ X.T) + intercept_step, 0.0
    )
    profiles = Profiles(64, shrink, intercept_step, np.float64)
    eager = Influence(X, profiles, eager=True)
    assert_allclose(eager.full(), expected, rtol=1e-12, atol=1e-12)
    assert_allclose(eager.take(np.array([7, 0])), expected[[7, 0]], rtol=1e-12)
    lazy = Influence(X, profiles)
    assert lazy.full() is None
    assert_allclose(lazy.take(np.arange(40)), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shrink", [1.0, 0.999])
@pytest.mark.parametrize("units", [(0.1, 0.2, 0.3), (0.5, 0.25, 1.5)])
def test_dense_scan_keeps_the_running_intercept_of_fractional_steps(
    monkeypatch, shrink, units
):
    # Zero rows see the intercept alone, so which of them are mistakes
    # depends on the last bit of the running intercept sum.  The dense scan
    # adds fractional updates (no intercept path) one mistake at a time, in
    # visiting order: the intercept must be that of the per-sample rule bit
    # for bit, and the margin scan must have run.
    from skdeep.neural_network import _perceptron_scan as scan

    calls = []
    margin_scan = scan._margin_scan
    monkeypatch.setattr(
        scan, "_margin_scan", lambda *a: calls.append(1) or margin_scan(*a)
    )
    rng = np.random.default_rng(8)
    n = 900
    X = rng.normal(size=(n, 3))
    X[rng.random(n) < 0.4] = 0.0
    y_sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    step = y_sign * rng.choice(units, size=n)
    coef, intercept = np.zeros((1, 3)), np.zeros(1)
    sizer = WindowSizer(length=64, min_length=64, max_length=256)
    for _ in range(3):
        perceptron_epoch(
            X, np.arange(n), coef, intercept, y_sign[None], step[None],
            shrink=shrink, sizer=sizer,
        )  # fmt: skip
    assert calls
    w, b = np.zeros(3), 0.0
    ties = 0
    for _ in range(3):
        for x_i, y_i, s_i in zip(X, y_sign, step):
            decision = w @ x_i + b
            ties += decision == 0.0
            w *= shrink
            if y_i * decision <= 0:
                w += s_i * x_i
                b += s_i
    if units[0] == 0.5:  # dyadic steps: the running sum returns to 0
        assert ties > 10  # the zero rows really met exact ties
    assert intercept[0] == b
    assert_allclose(coef[0], w, rtol=1e-10, atol=1e-12)
