"""K-means distances to the assigned centre on wide sparse data (O(nnz))."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from skdeep.cluster import KMeans, MiniBatchKMeans
from skdeep.cluster._k_means_common import exact_sq_dist_to_assigned, inertia


def _csr(n_samples, n_features, nnz_per_row, seed=0, dtype=np.float64, ties=True):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, n_features, size=n_samples * nnz_per_row)
    indptr = np.arange(n_samples + 1) * nnz_per_row
    if ties:  # small whole numbers (integer dtypes allowed)
        values = rng.integers(1, 5, size=indices.size).astype(dtype)
    else:
        values = rng.random(indices.size).astype(dtype)
    X = sp.csr_matrix((values, indices, indptr), shape=(n_samples, n_features))
    X.sum_duplicates()
    return X


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_sparse_distances_equal_dense_ones(dtype):
    X = _csr(60, 40, 5, dtype=dtype).tolil()
    X[7] = 0  # an empty row: its distance is ||c||^2
    X = X.tocsr()
    centers = np.random.default_rng(1).normal(size=(4, 40))
    labels = np.random.default_rng(2).integers(0, 4, size=60)
    dense = ((X.toarray() - centers[labels]) ** 2).sum(axis=1)
    np.testing.assert_allclose(
        exact_sq_dist_to_assigned(X, centers, labels), dense, rtol=1e-10
    )
    weights = np.random.default_rng(3).random(60)
    assert inertia(X, weights, centers, labels) == pytest.approx(dense @ weights)


def test_rows_storing_nothing_give_float_distances():
    X = sp.csr_matrix((5, 8), dtype=np.int64)
    centers = np.arange(16.0).reshape(2, 8)
    dist = exact_sq_dist_to_assigned(X, centers, np.array([0, 1, 0, 1, 1]))
    np.testing.assert_array_equal(dist, (centers**2).sum(axis=1)[[0, 1, 0, 1, 1]])


def test_wide_sparse_distances_do_not_densify_the_centres():
    # 300 x 100000 dense copies of the assigned centres would take 240 MB.
    X = _csr(300, 100_000, 20)
    centers = np.random.default_rng(1).normal(size=(3, 100_000))
    labels = np.arange(300) % 3
    tracemalloc.start()
    exact_sq_dist_to_assigned(X, centers, labels)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2**20


@pytest.mark.parametrize("Estimator", [KMeans, MiniBatchKMeans])
def test_wide_sparse_fit_equals_the_dense_fit(Estimator):
    X = _csr(200, 3000, 8, seed=4, ties=False)
    params = dict(n_clusters=5, n_init=1, random_state=0)
    sparse_fit = Estimator(**params).fit(X)
    dense_fit = Estimator(**params).fit(X.toarray())
    np.testing.assert_array_equal(sparse_fit.labels_, dense_fit.labels_)
    assert sparse_fit.inertia_ == pytest.approx(dense_fit.inertia_, rel=1e-9)
