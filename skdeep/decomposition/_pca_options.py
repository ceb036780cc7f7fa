"""How PCA resolves its options: the ``"auto"`` solver, ``n_components``
checks and the number of axes kept."""

from __future__ import annotations

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
