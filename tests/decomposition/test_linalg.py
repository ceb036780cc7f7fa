"""Kernels behind PCA: Gram matrices, sign convention, randomized and ARPACK SVD."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils.extmath import svd_flip

from skdeep.decomposition._linalg import (
    arpack_svd,
    centered_operator,
    flip_signs,
    gram_matrix,
    randomized_svd,
    sparse_mean_and_total_variance,
    svd_right,
)


def low_rank(n=150, p=40, rank=5, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, rank)) * np.arange(rank, 0, -1) * 3) @ (
        rng.standard_normal((rank, p))
    ) + 1e-3 * rng.standard_normal((n, p))


@pytest.mark.parametrize("order", ["C", "F", "strided"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gram_matrix_both_sides(order, dtype):
    A = np.asarray(low_rank(60, 7), dtype=dtype, order="F" if order == "F" else "C")
    if order == "strided":
        A = A[::2, ::-1]
    tol = 1e-4 if dtype == np.float32 else 1e-12
    reference = A.astype(np.float64)
    for of_columns, expected in (
        (True, np.einsum("ki,kj->ij", reference, reference)),
        (False, np.einsum("ik,jk->ij", reference, reference)),
    ):
        G = gram_matrix(A, of_columns=of_columns)
        assert G.dtype == dtype
        assert_allclose(G, expected, rtol=tol, atol=tol)
        assert_array_equal(G, G.T)


def test_flip_signs_matches_sklearn_convention():
    rng = np.random.default_rng(0)
    U, Vt = rng.standard_normal((6, 3)), rng.standard_normal((3, 5))
    expected_U, expected_Vt = svd_flip(U.copy(), Vt.copy(), u_based_decision=False)
    ours_U, ours_Vt = flip_signs(U.copy(), Vt.copy())
    assert_allclose(ours_U, expected_U)
    assert_allclose(ours_Vt, expected_Vt)
    assert (ours_Vt[np.arange(3), np.abs(ours_Vt).argmax(axis=1)] > 0).all()


@pytest.mark.parametrize("shape", [(60, 10), (10, 60), (20, 15)])
def test_svd_right_equals_lapack(shape):
    A = np.random.default_rng(1).standard_normal(shape)
    S, Vt = svd_right(A.copy(), overwrite_a=True)
    _, S_ref, Vt_ref = np.linalg.svd(A, full_matrices=False)
    assert_allclose(S, S_ref, rtol=1e-12)
    assert_allclose(np.abs(Vt @ Vt_ref.T), np.eye(min(shape)), atol=1e-9)


def test_sparse_statistics_and_centered_operator():
    X = sp.random(40, 9, density=0.3, format="csr", random_state=0)
    X.data[0] = 0.0  # a stored (explicit) zero must not change anything
    dense = X.toarray()
    mean, total = sparse_mean_and_total_variance(X)
    assert_allclose(mean, dense.mean(axis=0))
    assert_allclose(total, dense.var(axis=0, ddof=1).sum())
    op = centered_operator(X, mean)
    centered = dense - dense.mean(axis=0)
    V = np.random.default_rng(0).standard_normal((9, 3))
    W = np.random.default_rng(1).standard_normal((40, 2))
    assert_allclose(op @ V, centered @ V)
    assert_allclose(op.T @ W, centered.T @ W)
    assert_allclose(op.matvec(V[:, 0]), centered @ V[:, 0])
    assert_allclose(op.rmatvec(W[:, 0]), centered.T @ W[:, 0])


@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU", "none"])
@pytest.mark.parametrize("shape", [(150, 40), (40, 150)])
def test_randomized_svd_recovers_low_rank(normalizer, shape):
    A = low_rank(*shape)
    U, S, Vt = randomized_svd(
        A,
        5,
        n_iter=4,
        power_iteration_normalizer=normalizer,
        random_state=np.random.RandomState(0),
    )
    U_ref, S_ref, Vt_ref = np.linalg.svd(A, full_matrices=False)
    U_ref, Vt_ref = svd_flip(U_ref[:, :5], Vt_ref[:5], u_based_decision=False)
    assert_allclose(S, S_ref[:5], rtol=1e-8)
    assert_allclose(Vt, Vt_ref, atol=1e-7)
    assert_allclose(U, U_ref, atol=1e-7)


@pytest.mark.parametrize("shape", [(150, 40), (40, 150)])
def test_arpack_gram_path_equals_svds_path(shape):
    A = low_rank(*shape)
    v0 = np.random.RandomState(0).uniform(-1, 1, min(shape))
    dense = arpack_svd(A, 4, v0=v0)
    via_svds = arpack_svd(sp.csr_matrix(A), 4, v0=v0)
    for ours, ref in zip(dense, via_svds):
        assert_allclose(ours, ref, atol=1e-9)
    _, S_ref, _ = np.linalg.svd(A)
    assert_allclose(dense[1], S_ref[:4], rtol=1e-10)
