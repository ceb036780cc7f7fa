"""Explained-variance and reconstruction-error curves for choosing ``n_components``."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch, check_array

from ..utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from ._linalg import sparse_mean_and_total_variance
from ._pca import PCA

__all__ = ["explained_variance_curve"]

_CONSTRAINTS = {
    "max_components": [Interval(Integral, 1, None, closed="left"), None],
    "thresholds": ["array-like"],
    "svd_solver": [
        StrOptions({"auto", "full", "covariance_eigh", "arpack", "randomized"})
    ],
    "random_state": ["random_state"],
}


def _total_variance(X):
    if sp.issparse(X):
        return sparse_mean_and_total_variance(X)[1]
    return float(np.var(X, axis=0, ddof=1, dtype=np.float64).sum())


def _held_out_error(pca, X_test):
    """Mean squared residual norm of ``X_test`` for every prefix of the axes."""
    X_test = check_array(X_test, accept_sparse=("csr", "csc"), dtype=np.float64)
    if X_test.shape[1] != pca.n_features_in_:
        raise ValueError(
            f"X_test has {X_test.shape[1]} features, but X has {pca.n_features_in_}."
        )
    scores = np.asarray(X_test @ pca.components_.T) - pca.mean_ @ pca.components_.T
    if sp.issparse(X_test):
        squared = X_test.multiply(X_test).sum(axis=1)
        squared = np.asarray(squared).ravel() - 2 * np.asarray(X_test @ pca.mean_)
        squared += pca.mean_ @ pca.mean_
    else:
        centered = X_test - pca.mean_
        squared = np.einsum("ij,ij->i", centered, centered)
    # Orthonormal axes: the residual after k axes loses exactly the first k
    # squared scores, so every k comes from one cumulative sum.
    residual = squared[:, None] - np.cumsum(scores**2, axis=1)
    return np.maximum(residual, 0.0).mean(axis=0)


def explained_variance_curve(
    X,
    *,
    max_components=None,
    X_test=None,
    thresholds=(0.8, 0.9, 0.95, 0.99),
    svd_solver="auto",
    random_state=None,
):
    """Explained variance and reconstruction error for every number of components.

    One PCA fit gives the whole curve: the principal axes are nested, so the
    model with ``k`` components is the first ``k`` axes of the largest one.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    max_components : int or None, default=None
        Longest prefix evaluated; ``None`` means ``min(n_samples, n_features)``
        (one fewer with ``svd_solver="arpack"``).
    X_test : {array-like, sparse matrix} of shape (n_test, n_features), \
            default=None
        Held-out data; when given, its reconstruction error is reported too
        (training error always decreases with ``k``, held-out error shows
        when extra axes stop generalising).
    thresholds : sequence of float in (0, 1), default=(0.8, 0.9, 0.95, 0.99)
        Variance fractions for which the smallest sufficient ``k`` is reported.
    svd_solver : {"auto", "full", "covariance_eigh", "arpack", "randomized"}, \
            default="auto"
        Passed to :class:`PCA`.
    random_state : int, RandomState instance or None, default=None
        Passed to :class:`PCA`.

    Returns
    -------
    curve : :class:`~sklearn.utils.Bunch`
        ``n_components`` (ndarray of shape (K,), 1..K),
        ``explained_variance_ratio`` (K,), ``cumulative_explained_variance_ratio``
        (K,), ``reconstruction_error`` (K,) — mean over training samples of
        the squared residual norm ``||x - x_hat||^2`` with ``k`` axes —,
        ``test_reconstruction_error`` (K,) or None, ``n_components_for``
        (dict threshold -> smallest ``k`` whose cumulative ratio exceeds it, or
        None if even ``K`` axes do not), and the fitted ``pca``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdeep.decomposition import explained_variance_curve
    >>> X, _ = load_digits(return_X_y=True)
    >>> curve = explained_variance_curve(X, thresholds=(0.9, 0.95))
    >>> curve.n_components_for
    {0.9: 21, 0.95: 29}
    >>> bool(curve.reconstruction_error[20] < curve.reconstruction_error[0])
    True
    """
    params = dict(
        max_components=max_components,
        thresholds=thresholds,
        svd_solver=svd_solver,
        random_state=random_state,
    )
    validate_parameter_constraints(_CONSTRAINTS, params, "explained_variance_curve")
    thresholds = np.asarray(thresholds, dtype=np.float64).ravel()
    if np.any((thresholds <= 0) | (thresholds >= 1)):
        raise ValueError(f"thresholds must lie in (0, 1), got {thresholds.tolist()}.")
    pca = PCA(max_components, svd_solver=svd_solver, random_state=random_state).fit(X)
    n_samples = pca.n_samples_
    ratio = pca.explained_variance_ratio_.astype(np.float64)
    cumulative = np.cumsum(ratio)
    total = _total_variance(check_array(X, accept_sparse=("csr", "csc")))
    unexplained = total - np.cumsum(pca.explained_variance_, dtype=np.float64)
    training_error = np.maximum(unexplained, 0.0) * (n_samples - 1) / n_samples
    reached = {}
    for t in thresholds:
        k = int(np.searchsorted(cumulative, t, side="right")) + 1
        reached[float(t)] = k if k <= cumulative.shape[0] else None
    test_error = None if X_test is None else _held_out_error(pca, X_test)
    return Bunch(
        n_components=np.arange(1, pca.n_components_ + 1),
        explained_variance_ratio=ratio,
        cumulative_explained_variance_ratio=cumulative,
        reconstruction_error=training_error,
        test_reconstruction_error=test_error,
        n_components_for=reached,
        pca=pca,
    )
