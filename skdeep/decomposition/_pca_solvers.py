"""The four PCA solvers behind :class:`skdeep.decomposition.PCA`.

Each solver returns a :class:`Decomposition` of the centred data: sign-fixed
principal axes (rows), their variances and singular values, the total
variance, and the scores ``U`` when they come for free.  Sparse input is
centred implicitly and never densified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import linalg
from sklearn.utils import assert_all_finite

from ._linalg import (
    arpack_svd,
    centered_operator,
    flip_signs,
    gram_matrix,
    randomized_svd,
    sparse_mean_and_total_variance,
    svd_right,
)


@dataclass
class Decomposition:
    """What a solver found (all axes it computed, before truncation)."""

    mean: np.ndarray  # (n_features,)
    components: np.ndarray  # (n_axes, n_features), rows sign-fixed
    explained_variance: np.ndarray  # (n_axes,), descending
    singular_values: np.ndarray  # (n_axes,)
    total_variance: float  # trace of the sample covariance (ddof=1)
    U: np.ndarray | None = None  # (n_samples, n_axes) left singular vectors
    centered: np.ndarray | None = None  # centred copy of X kept intact, if any


def _dense_mean(X):
    """Column means, which also stand in for the input's finiteness check.

    ``PCA`` skips the separate finiteness pass of ``validate_data`` on dense
    input: any NaN or infinity makes its column mean non-finite, and only then
    is the data scanned for the precise error message.
    """
    mean = X.mean(axis=0)
    if not np.isfinite(mean).all():
        assert_all_finite(X, estimator_name="PCA", input_name="X")
    return mean


def _sparse_mean(X):
    return np.asarray(X.sum(axis=0), dtype=X.dtype).ravel() / X.shape[0]


def _center_dense(X, copy):
    """Centre dense ``X`` (in place when ``copy`` is False, as scikit-learn does)."""
    mean = _dense_mean(X)
    if copy:
        return mean, X - mean, True
    X -= mean
    return mean, X, False


def full_svd(X, *, copy):
    """Exact PCA from the LAPACK SVD of the centred data.

    Tall data skip forming ``U``: the SVD of the triangular factor of an
    economic QR gives the same singular values and right vectors.
    """
    n_samples, n_features = X.shape
    mean, centered, owned = _center_dense(X, copy)
    if n_samples >= 2 * n_features:
        S, Vt = svd_right(centered, overwrite_a=owned)
        U, kept = None, None if owned else centered
    else:
        U, S, Vt = linalg.svd(
            centered, full_matrices=False, overwrite_a=owned, check_finite=False
        )
        kept = None if owned else centered
    U, Vt = flip_signs(U, Vt)
    variance = S**2 / (n_samples - 1)
    return Decomposition(mean, Vt, variance, S, float(variance.sum()), U, kept)


def covariance_eigh(X):
    """Exact PCA from the eigendecomposition of the covariance matrix.

    The Gram matrix is one ``syrk`` over the raw data (no centred copy of
    ``X``); the mean is removed from the small ``(p, p)`` matrix afterwards.
    The whole spectrum is returned (callers keep the leading axes); the total
    variance sums it after clipping round-off negatives, as scikit-learn does.
    """
    n_samples, n_features = X.shape
    if sp.issparse(X):
        mean = _sparse_mean(X)
        cov = np.asarray((X.T @ X).toarray())
    else:
        mean = _dense_mean(X)
        cov = gram_matrix(X, of_columns=True)
    cov -= n_samples * np.outer(mean, mean).astype(cov.dtype, copy=False)
    cov /= n_samples - 1
    # numpy's eigh (divide and conquer) runs on the same BLAS library and
    # thread pool as the Gram product above; scipy's LAPACK, a second
    # OpenBLAS, was slowed down by that pool's still-spinning threads.
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    variance = np.maximum(eigenvalues[::-1], 0.0)  # round-off can go negative
    total_variance = float(variance.sum())
    Vt = np.ascontiguousarray(eigenvectors[:, ::-1].T)
    _, Vt = flip_signs(None, Vt)
    singular_values = np.sqrt(variance * (n_samples - 1))
    return Decomposition(mean, Vt, variance, singular_values, total_variance)


def _centered_input(X, copy):
    """Centred dense array or implicit centred operator, and the total variance."""
    if sp.issparse(X):
        mean, total_variance = sparse_mean_and_total_variance(X)
        return mean, centered_operator(X, mean), total_variance, None
    mean, centered, owned = _center_dense(X, copy)
    flat = centered.ravel(order="K")
    total_variance = float(flat @ flat) / (X.shape[0] - 1)
    return mean, centered, total_variance, centered


def truncated_svd(X, n_components, *, solver, copy, params, random_state):
    """Leading ``n_components`` axes by ARPACK or the randomized range finder.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    n_components : int
    solver : {"arpack", "randomized"}
    copy : bool
        Whether dense ``X`` may be centred in place (``False``).
    params : dict
        ``tol`` for ARPACK; ``n_oversamples``, ``iterated_power`` and
        ``power_iteration_normalizer`` for the randomized solver.
    random_state : numpy.random.RandomState
    """
    mean, A, total_variance, centered = _centered_input(X, copy)
    if solver == "arpack":
        v0 = random_state.uniform(-1, 1, min(X.shape))
        U, S, Vt = arpack_svd(A, n_components, tol=params["tol"], v0=v0)
    else:
        U, S, Vt = randomized_svd(
            A,
            n_components,
            n_oversamples=params["n_oversamples"],
            n_iter=params["iterated_power"],
            power_iteration_normalizer=params["power_iteration_normalizer"],
            random_state=random_state,
        )
    variance = S**2 / (X.shape[0] - 1)
    return Decomposition(mean, Vt, variance, S, total_variance, U, centered)
