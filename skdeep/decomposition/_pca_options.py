"""How PCA resolves its options: the ``"auto"`` solver, ``n_components``
checks and the number of axes kept."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ._mle import _infer_dimension

_SPARSE_SOLVERS = ("auto", "arpack", "covariance_eigh", "randomized")


def _resolve_solver(requested, shape, n_components, sparse_input):
    """The solver ``"auto"`` stands for, with scikit-learn's rules."""
    n_samples, n_features = shape
    if requested != "auto":
        return requested
    if sparse_input:
        return "arpack"
    if n_features <= 1_000 and n_samples >= 10 * n_features:
        return "covariance_eigh"  # tall and skinny: the Gram matrix is cheap
    if max(shape) <= 500 or n_components == "mle":
        return "full"
    if 1 <= n_components < 0.8 * min(shape):
        return "randomized"
    return "full"


def _check_n_components(n_components, shape, solver):
    """Raise scikit-learn's errors for an ``n_components`` the solver cannot give."""
    n_samples, n_features = shape
    smallest = min(shape)
    if solver in ("full", "covariance_eigh"):
        if n_components == "mle":
            if n_samples < n_features:
                raise ValueError(
                    "n_components='mle' is only supported if n_samples >= n_features"
                )
        elif not 0 <= n_components <= smallest:
            raise ValueError(
                f"n_components={n_components} must be between 0 and "
                f"min(n_samples, n_features)={smallest} with svd_solver={solver!r}"
            )
        return
    if isinstance(n_components, str):
        raise ValueError(
            f"n_components={n_components!r} cannot be a string with "
            f"svd_solver='{solver}'"
        )
    if not 1 <= n_components <= smallest:
        raise ValueError(
            f"n_components={n_components!r} must be between 1 and "
            f"min(n_samples, n_features)={smallest!r} with svd_solver='{solver}'"
        )
    if solver == "arpack" and n_components == smallest:
        raise ValueError(
            f"n_components={n_components!r} must be strictly less than "
            f"min(n_samples, n_features)={smallest!r} with svd_solver='{solver}'"
        )


def _n_kept(n_components, decomposition, ratio, n_samples):
    """Number of axes kept for an int, a variance fraction or ``"mle"``."""
    if n_components == "mle":
        return int(_infer_dimension(decomposition.explained_variance, n_samples))
    if 0 < n_components < 1.0:
        # side="right": the kept variance strictly exceeds the requested fraction.
        cumulative = np.cumsum(ratio, dtype=np.float64)
        kept = int(np.searchsorted(cumulative, n_components, side="right")) + 1
        return min(kept, ratio.shape[0])
    return int(n_components)


def array_api_overrides(pca, X):
    """scikit-learn's rules for a PCA fit on array API inputs.

    No ARPACK and no LU factorisation: ``svd_solver="arpack"`` and a
    randomized solver with ``power_iteration_normalizer="LU"`` raise, and
    ``"auto"`` normalisation (LU after more than two power iterations) falls
    back to QR with a warning.  Returns the parameters the numpy fit uses.
    """
    if pca.svd_solver == "arpack":
        raise ValueError(
            "PCA with svd_solver='arpack' is not supported for Array API inputs."
        )
    n_components = min(X.shape) if pca.n_components is None else pca.n_components
    if not isinstance(n_components, numbers.Integral):
        return {}  # never randomized (or the fit raises its own error)
    if _resolve_solver(pca.svd_solver, X.shape, n_components, False) != "randomized":
        return {}
    if pca.power_iteration_normalizer == "LU":
        raise ValueError(
            "Array API does not support LU factorization. Set "
            "`power_iteration_normalizer='QR'` instead."
        )
    n_iter = pca.iterated_power
    if n_iter == "auto":
        n_iter = 7 if n_components < 0.1 * min(X.shape) else 4
    if pca.power_iteration_normalizer == "auto" and n_iter > 2:
        warnings.warn(
            "Array API does not support LU factorization, falling back to QR "
            "instead. Set `power_iteration_normalizer='QR'` explicitly to silence "
            "this warning.",
            UserWarning,
            stacklevel=4,
        )
        return {"power_iteration_normalizer": "QR"}
    return {}
