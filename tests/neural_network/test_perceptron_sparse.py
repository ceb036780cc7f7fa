"""The exact perceptron kernel on wide sparse data (text-like: many features)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Perceptron as SkPerceptron

from skdeep.neural_network import Perceptron
from skdeep.neural_network import _perceptron_data as data
from skdeep.neural_network._perceptron_data import (
    SparseGram,
    Window,
    add_rows,
    rows_combination,
)


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
