"""Linear-algebra kernels shared by the PCA estimators.

Everything here works on plain numpy arrays, scipy sparse matrices or
:class:`scipy.sparse.linalg.LinearOperator` objects and builds on LAPACK,
BLAS and ARPACK through scipy.  Nothing here knows about estimators.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.sparse.linalg import LinearOperator, eigsh, svds

__all__ = [
    "arpack_svd",
    "centered_operator",
    "flip_signs",
    "gram_matrix",
    "randomized_range_finder",
    "randomized_svd",
    "sparse_mean_and_total_variance",
    "svd_right",
]


def flip_signs(U, Vt):
    """Make each right singular vector's largest-magnitude entry positive.

    The SVD only defines each singular pair up to a joint sign.  Fixing the
    sign on the rows of ``Vt`` (the principal axes) makes PCA deterministic
    across solvers and runs; this is the convention scikit-learn uses for
    PCA (``svd_flip`` with ``u_based_decision=False``).

    Parameters
    ----------
    U : ndarray of shape (n_samples, k) or None
        Left singular vectors, flipped in place alongside ``Vt``.
    Vt : ndarray of shape (k, n_features)
        Right singular vectors (rows), flipped in place.

    Returns
    -------
    U, Vt : ndarray
        The same arrays, sign-adjusted.
    """
    if Vt.shape[0] == 0:
        return U, Vt
    pivots = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), pivots])
    Vt *= signs[:, np.newaxis]
    if U is not None:
        U *= signs[np.newaxis, :]
    return U, Vt


def gram_matrix(A, *, of_columns=True):
    """Return ``A.T @ A`` (``of_columns``) or ``A @ A.T``, exactly symmetric.

    numpy recognises a product of an array with its own transpose and calls
    BLAS ``syrk`` (half the flops of a general product) on the contiguous
    buffer, without a copy.  Going through numpy rather than scipy's BLAS
    also keeps the work on the BLAS library (and thread pool) that
    scikit-learn and most user code drive: with numpy and scipy each
    bundling their own OpenBLAS, a call into the other library's pool while
    this one's threads still spin after a product ran 1.5x slower here.
    A strided view is made contiguous first (numpy would not use BLAS on it).

    Parameters
    ----------
    A : ndarray of shape (n, p), float32 or float64
    of_columns : bool, default=True
        ``True`` gives the ``(p, p)`` matrix ``A.T @ A``, ``False`` the
        ``(n, n)`` matrix ``A @ A.T``.

    Returns
    -------
    G : ndarray, symmetric
    """
    if not (A.flags.c_contiguous or A.flags.f_contiguous):
        A = np.ascontiguousarray(A)
    return A.T @ A if of_columns else A @ A.T


def svd_right(A, *, overwrite_a=False):
    """Singular values and right singular vectors of ``A`` (no ``U``).

    For tall matrices an economic QR (``R`` only) followed by the SVD of the
    small triangular factor costs about a third of a full ``gesdd`` that also
    forms ``U``.

    Parameters
    ----------
    A : ndarray of shape (n, p)
    overwrite_a : bool, default=False
        Allow LAPACK to destroy ``A``.

    Returns
    -------
    S : ndarray of shape (min(n, p),)
        Singular values, descending.
    Vt : ndarray of shape (min(n, p), p)
        Right singular vectors as rows.
    """
    n, p = A.shape
    if n >= 2 * p and p > 0:
        R = linalg.qr(A, mode="r", overwrite_a=overwrite_a, check_finite=False)[0]
        A, overwrite_a = R[:p], True
    _, S, Vt = linalg.svd(
        A, full_matrices=False, overwrite_a=overwrite_a, check_finite=False
    )
    return S, Vt


def sparse_mean_and_total_variance(X):
    """Column means and the summed column variance (``ddof=1``) of sparse ``X``.

    Squared deviations are accumulated over the stored entries, and the
    implicit zeros contribute ``mean**2`` each, so no cancellation-prone
    ``E[x**2] - E[x]**2`` formula is used and ``X`` is never densified.

    Parameters
    ----------
    X : sparse matrix of shape (n_samples, n_features)

    Returns
    -------
    mean : ndarray of shape (n_features,)
    total_variance : float
    """
    n, p = X.shape
    coo = X.tocoo()
    mean = np.bincount(coo.col, weights=coo.data, minlength=p) / n
    deviation = coo.data - mean[coo.col]
    stored = np.bincount(coo.col, minlength=p)
    squares = np.bincount(coo.col, weights=deviation**2, minlength=p)
    squares += (n - stored) * mean**2
    return mean.astype(X.dtype, copy=False), float(squares.sum()) / (n - 1)


def centered_operator(X, mean):
    """Wrap sparse ``X`` as the linear operator ``X - 1 mean`` without densifying.

    Parameters
    ----------
    X : sparse matrix of shape (n_samples, n_features)
    mean : ndarray of shape (n_features,)

    Returns
    -------
    op : LinearOperator of shape (n_samples, n_features)
    """
    mean = np.asarray(mean, dtype=X.dtype)

    def matmat(V):
        return np.asarray(X @ V) - mean @ V

    def rmatmat(U):
        return np.asarray(X.T @ U) - np.outer(mean, U.sum(axis=0))

    return LinearOperator(
        shape=X.shape,
        dtype=X.dtype,
        matvec=lambda v: matmat(v.reshape(-1, 1)).ravel(),
        rmatvec=lambda u: rmatmat(u.reshape(-1, 1)).ravel(),
        matmat=matmat,
        rmatmat=rmatmat,
    )


def _normalizer(name):
    if name == "QR":
        return lambda Y: linalg.qr(Y, mode="economic", check_finite=False)[0]
    if name == "LU":
        return lambda Y: linalg.lu(Y, permute_l=True, check_finite=False)[0]
    return lambda Y: Y


def randomized_range_finder(
    A, *, size, n_iter, power_iteration_normalizer="auto", random_state
):
    """Orthonormal basis approximating the range of ``A`` (Halko et al., 2011).

    A Gaussian test matrix is pushed through ``n_iter`` rounds of
    ``(A A^T)`` so that the basis concentrates on the dominant singular
    directions; each half step is re-normalised to keep the columns from
    collapsing onto the top singular vector.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (n, p)
    size : int
        Number of basis vectors.
    n_iter : int
        Number of power iterations.
    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
        ``"auto"`` means no normalisation for ``n_iter <= 2`` and LU otherwise.
    random_state : numpy.random.RandomState
        Source of the Gaussian test matrix.

    Returns
    -------
    Q : ndarray of shape (n, size)
        Orthonormal columns.

    Notes
    -----
    For a dense float64 ``A`` whose Gram matrix ``A.T @ A`` costs fewer flops
    than the ``2 * n_iter`` products with ``A``, the power iterations run on
    that ``(p, p)`` matrix instead: ``(A.T A)^q Omega`` spans the same space as
    the alternating products, and each iteration then costs ``O(p^2 size)``.
    """
    dtype = np.float32 if A.dtype == np.float32 else np.float64
    Q = random_state.normal(size=(A.shape[1], size)).astype(dtype, copy=False)
    if power_iteration_normalizer == "auto":
        power_iteration_normalizer = "none" if n_iter <= 2 else "LU"
    normalize = _normalizer(power_iteration_normalizer)
    if _gram_is_cheaper(A, size, n_iter):
        G = gram_matrix(A, of_columns=True)
        for _ in range(n_iter):
            Q = normalize(G @ Q)
    else:
        At = A.T
        for _ in range(n_iter):
            Q = normalize(A @ Q)
            Q = normalize(At @ Q)
    return linalg.qr(A @ Q, mode="economic", check_finite=False)[0]


def _gram_is_cheaper(A, size, n_iter):
    """Whether one ``syrk`` beats ``2 * n_iter`` products of ``A`` by ``size`` vectors.

    Only for dense float64: squaring the spectrum in float32 would cost the
    trailing components too much precision.
    """
    if not isinstance(A, np.ndarray) or A.dtype != np.float64 or n_iter < 1:
        return False
    n_features = A.shape[1]
    # syrk: n p^2 flops; power iterations: 4 n p size n_iter flops.
    return n_features <= 3000 and n_features < 3 * size * n_iter


def randomized_svd(
    A,
    n_components,
    *,
    n_oversamples=10,
    n_iter="auto",
    power_iteration_normalizer="auto",
    random_state,
):
    """Truncated SVD by random projection, sign-normalised on ``Vt``.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (n, p)
    n_components : int
        Number of singular triplets returned.
    n_oversamples : int, default=10
        Extra basis vectors sampled beyond ``n_components``.
    n_iter : int or "auto", default="auto"
        Power iterations; ``"auto"`` gives 7 when ``n_components`` is below a
        tenth of ``min(n, p)`` and 4 otherwise.
    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
    random_state : numpy.random.RandomState

    Returns
    -------
    U : ndarray of shape (n, n_components)
    S : ndarray of shape (n_components,)
    Vt : ndarray of shape (n_components, p)
    """
    n, p = A.shape
    if n_iter == "auto":
        n_iter = 7 if n_components < 0.1 * min(n, p) else 4
    transpose = n < p
    if transpose:
        # The range finder is cheaper on the operator with fewer columns.
        A = A.T
    Q = randomized_range_finder(
        A,
        size=n_components + n_oversamples,
        n_iter=n_iter,
        power_iteration_normalizer=power_iteration_normalizer,
        random_state=random_state,
    )
    B = np.asarray(A.T @ Q).T
    U_small, S, Vt = linalg.svd(B, full_matrices=False, check_finite=False)
    U = Q @ U_small
    if transpose:
        U, Vt = Vt.T, U.T
    U, S, Vt = U[:, :n_components], S[:n_components], Vt[:n_components]
    U, Vt = flip_signs(np.array(U), np.array(Vt))
    return U, S, Vt


def arpack_svd(A, n_components, *, tol=0.0, v0=None):
    """Largest singular triplets through ARPACK (Lanczos on the Gram matrix).

    Dense inputs of moderate size form the smaller Gram matrix once with one
    ``syrk`` and run ARPACK on it, instead of two passes over ``A`` per
    Lanczos step; sparse matrices and operators go through
    :func:`scipy.sparse.linalg.svds`.  Either way the Ritz vectors are
    refined with a small dense SVD, as ``svds`` does.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (n, p)
    n_components : int
        Number of triplets, strictly below ``min(n, p)``.
    tol : float, default=0.0
        ARPACK tolerance on singular values (0 means machine precision).
    v0 : ndarray of shape (min(n, p),), default=None
        ARPACK starting vector.

    Returns
    -------
    U : ndarray of shape (n, n_components)
    S : ndarray of shape (n_components,)
        Descending.
    Vt : ndarray of shape (n_components, p)
        Sign-normalised rows.
    """
    n, p = A.shape
    if not isinstance(A, np.ndarray) or min(n, p) > 3000:
        U, S, Vt = svds(A, k=n_components, tol=tol, v0=v0)
        U, Vt = flip_signs(np.array(U[:, ::-1]), np.array(Vt[::-1]))
        return U, S[::-1].copy(), Vt
    tall = n >= p
    G = gram_matrix(A, of_columns=tall)
    _, eigvec = eigsh(G, k=n_components, tol=tol**2, v0=v0)
    eigvec = np.linalg.qr(eigvec)[0]
    projected = A @ eigvec if tall else A.T @ eigvec
    u, S, vh = linalg.svd(projected, full_matrices=False, check_finite=False)
    if tall:
        U, Vt = u, vh @ eigvec.T
    else:
        U, Vt = eigvec @ vh.T, np.ascontiguousarray(u.T)
    U, Vt = flip_signs(np.array(U), np.ascontiguousarray(Vt))
    return U, S, Vt
