"""The exact perceptron kernel on wide sparse data (text-like: many features)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Perceptron as SkPerceptron

from skdeep.neural_network import Perceptron
from skdeep.neural_network import _perceptron_data as data
from skdeep.neural_network import _perceptron_penalty as penalty_module
from skdeep.neural_network._perceptron_data import (
    SparseGram,
    Window,
    add_rows,
    rows_combination,
)
from skdeep.neural_network._perceptron_kernel import WindowSizer, perceptron_epoch
from skdeep.neural_network._perceptron_penalty import SupportNorms


def _wide_csr(n_samples, n_features, nnz_per_row, seed=0):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, n_features, size=n_samples * nnz_per_row)
    indptr = np.arange(n_samples + 1) * nnz_per_row
    X = sp.csr_matrix(
        (rng.random(n_samples * nnz_per_row), indices, indptr),
        shape=(n_samples, n_features),
    )
    X.sum_duplicates()
    return X


@pytest.mark.parametrize("n_features", [50, 30000])  # dense route, sparse route
@pytest.mark.parametrize("n_positions", [1, 7, 40])
def test_window_products_equal_their_dense_values(n_features, n_positions):
    X = _wide_csr(40, n_features, 12)
    dense = X.toarray()
    positions = np.sort(
        np.random.default_rng(1).choice(40, size=n_positions, replace=False)
    )
    wide = data._wide(X, n_positions)
    assert wide == (n_features * n_positions > data._DENSE_ROWS_LIMIT)
    np.testing.assert_allclose(
        SparseGram(X).rows(positions), dense[positions] @ dense.T, rtol=1e-12
    )
    weights = np.random.default_rng(2).normal(size=(3, n_positions))
    np.testing.assert_allclose(
        rows_combination(X, positions, weights), weights @ dense[positions], rtol=1e-12
    )
    start = np.random.default_rng(3).normal(size=n_features)
    target = start.copy()
    add_rows(target, X, positions, weights[0])
    np.testing.assert_allclose(
        target, start + weights[0] @ dense[positions], rtol=1e-12, atol=1e-12
    )
    window = Window(X, np.arange(40))
    np.testing.assert_allclose(
        window.squared_norms(positions), (dense[positions] ** 2).sum(axis=1)
    )


def test_wide_windows_make_no_dense_row_copies(monkeypatch):
    X = _wide_csr(64, 30000, 10)
    calls = []
    original = data.dense_rows
    monkeypatch.setattr(
        data, "dense_rows", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    gram = SparseGram(X)
    for positions in (np.arange(64), np.array([5, 0, 63])):
        np.testing.assert_allclose(
            gram.rows(positions), (X[positions] @ X.T).toarray(), rtol=1e-12
        )
    rows_combination(X, np.arange(64), np.ones((2, 64)))
    assert not calls  # no (64 x 30000) dense copy
    rows_combination(X, np.arange(2), np.ones((2, 2)))
    assert calls


@pytest.mark.parametrize("n_classes", [2, 5])
def test_wide_sparse_fit_equals_sklearn_without_shuffling(n_classes):
    # Text-like data: most samples share no feature with the weights early
    # on, so ties are decided by the intercept's running sum of 0.01 steps.
    X = _wide_csr(300, 20000, 15, seed=3)
    rng = np.random.default_rng(4)
    y = np.asarray(X @ rng.normal(size=(20000, n_classes))).argmax(axis=1)
    params = dict(shuffle=False, max_iter=6, tol=None)
    ours = Perceptron(**params).fit(X, y)
    theirs = SkPerceptron(**params).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
    assert ours.score(X, y) == theirs.score(X, y)


def _tracked_objective_reference(X, y_sign, step, epochs, shrink, alpha, l1_ratio):
    """scikit-learn's per-sample loop and objective on CSR rows, in Python.

    Its norms are running numbers: scaled by the shrinkage every sample and
    reset, after an update, to the norms over the sample's stored features.
    """
    w, b = np.zeros((y_sign.shape[0], X.shape[1])), np.zeros(y_sign.shape[0])
    sq, l1 = np.zeros(y_sign.shape[0]), np.zeros(y_sign.shape[0])
    objectives = []
    for _ in range(epochs):
        objective = np.zeros(y_sign.shape[0])
        for i in range(X.shape[0]):
            idx = X.indices[X.indptr[i] : X.indptr[i + 1]]
            val = X.data[X.indptr[i] : X.indptr[i + 1]]
            for p in range(y_sign.shape[0]):
                margin = y_sign[p, i] * (w[p, idx] @ val + b[p])
                objective[p] += max(0.0, -margin)
                objective[p] += alpha * (
                    (1 - l1_ratio) * 0.5 * sq[p] + l1_ratio * l1[p]
                )
                w[p] *= shrink
                sq[p] *= shrink * shrink
                l1[p] *= shrink
                if margin <= 0:
                    w[p, idx] += step[p, i] * val
                    b[p] += step[p, i]
                    sq[p] = np.sum(w[p, idx] ** 2)
                    l1[p] = np.sum(np.abs(w[p, idx]))
        objectives.append(objective)
    return w, b, objectives


@pytest.mark.parametrize(
    "n_features, dense_route",
    [(40, True), (40, False), (3000, False)],  # densified windows, or kept sparse
)
@pytest.mark.parametrize("n_problems", [1, 3])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.4])
def test_sparse_objective_tracks_sklearns_support_norms(
    monkeypatch, n_features, dense_route, n_problems, l1_ratio
):
    if not dense_route:  # entries paired per feature instead of summed along
        monkeypatch.setattr(penalty_module, "_DENSE_MAX_ENTRIES", 0)
    X = _wide_csr(500, n_features, 6, seed=5)
    rng = np.random.default_rng(6)
    y_sign = np.where(rng.random((n_problems, 500)) < 0.5, 1.0, -1.0)
    step = y_sign * rng.uniform(0.5, 1.5, (n_problems, 500))
    shrink, alpha = 0.999, 0.01
    coef, intercept = np.zeros((n_problems, n_features)), np.zeros(n_problems)
    norms = SupportNorms(coef, (alpha, l1_ratio))
    sizer = WindowSizer(length=64, min_length=16, max_length=128)
    objectives = []
    for _ in range(2):
        objectives.append(
            perceptron_epoch(
                X, np.arange(500), coef, intercept, y_sign, step,
                shrink=shrink, sizer=sizer, penalty=norms,
            )[1]
        )  # fmt: skip
    w, b, expected = _tracked_objective_reference(
        X, y_sign, step, 2, shrink, alpha, l1_ratio
    )
    np.testing.assert_allclose(coef, w, atol=1e-10)
    np.testing.assert_allclose(objectives, expected, rtol=1e-9)


def test_sparse_l2_fit_stops_when_sklearn_does():
    # Separable wide data: the loss reaches 0 after a few epochs and the
    # stopping rule then watches the penalty alone.  With the true norms it
    # kept improving for 24 epochs; scikit-learn's tracked norms stop at 9.
    X = _wide_csr(300, 20000, 15, seed=3)
    y = np.asarray(X @ np.random.default_rng(4).normal(size=20000)) > 0
    for params in ({"shuffle": False}, {"random_state": 1}):
        ours = Perceptron(penalty="l2", **params).fit(X, y)
        theirs = SkPerceptron(penalty="l2", **params).fit(X, y)
        assert ours.n_iter_ == theirs.n_iter_
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10, atol=1e-13)


def test_small_sparse_windows_are_densified_whatever_their_width():
    # Per-call overheads of the sparse products dominate small windows: a
    # window of at most 2**16 entries is densified even with many features
    # (noisy 20000 x 500 sparse data: windows of 64 rows, 0.55 of the time).
    wide = _wide_csr(300, 500, 5)
    assert isinstance(Window(wide, np.arange(100)).X, np.ndarray)  # 50 000 entries
    assert sp.issparse(Window(wide, np.arange(200)).X)  # 100 000 entries
    narrow = _wide_csr(3000, 100, 5)
    assert isinstance(Window(narrow, np.arange(2000)).X, np.ndarray)
    window = Window(wide, np.arange(100))
    np.testing.assert_array_equal(window.X, wide[:100].toarray())
