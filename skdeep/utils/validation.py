"""Input helpers shared by the estimators (public-API-only replacements for
scikit-learn's private helpers)."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_array

__all__ = ["check_sample_weight"]


def check_sample_weight(
    sample_weight, X, *, dtype=None, ensure_non_negative=False, allow_all_zero=True
):
    """Validate ``sample_weight`` against ``X``.

    Parameters
    ----------
    sample_weight : None, float or array-like of shape (n_samples,)
        ``None`` gives unit weights, a scalar gives constant weights.
    X : array-like or sparse matrix of shape (n_samples, ...)
        Data the weights belong to; only its length is used.
    dtype : dtype, default=None
        Output dtype; ``None`` keeps ``X.dtype`` if floating, else float64.
    ensure_non_negative : bool, default=False
        Raise if any weight is negative.
    allow_all_zero : bool, default=True
        Raise if every weight is zero when False.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> check_sample_weight(None, np.zeros((3, 2)))
    array([1., 1., 1.])
    """
    n_samples = X.shape[0] if hasattr(X, "shape") else len(X)
    if dtype is None:
        x_dtype = getattr(X, "dtype", None)
        dtype = (
            x_dtype
            if x_dtype is not None and np.issubdtype(x_dtype, np.floating)
            else np.float64
        )
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, sample_weight, dtype=dtype)
    sample_weight = check_array(
        sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight"
    )
    if sample_weight.ndim != 1:
        raise ValueError(
            f"Sample weights must be 1D array or scalar, got {sample_weight.ndim}D "
            f"array. Expected either a scalar value or a 1D array of length "
            f"{n_samples}."
        )
    if sample_weight.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected ({n_samples},)!"
        )
    if ensure_non_negative and np.any(sample_weight < 0):
        raise ValueError("Negative values in data passed to `sample_weight`.")
    if not allow_all_zero and not np.any(sample_weight):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return sample_weight
