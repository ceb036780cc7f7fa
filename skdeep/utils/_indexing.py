"""Row gathers that take numpy's fast path."""

from __future__ import annotations

import numpy as np

__all__ = ["take_rows"]


def take_rows(X, index):
    """``X[index]`` for a row index, through ``ndarray.take`` when it can.

    Gathering the rows of a 2-D array by an integer array is several times
    faster with ``take`` along axis 0 than with fancy indexing (numpy 2.4,
    4000 of 20000 rows of 10 float32 features: 9 against 42 us; 50 float64
    features: 52 against 91 us).  The result is the same copy.  Slices, boolean
    masks, lists and sparse matrices go through ordinary indexing, except
    that a slice over every row returns ``X`` itself: a view for an array
    anyway, and for a sparse matrix no copy of all its entries (callers only
    read the rows).

    Parameters
    ----------
    X : ndarray, sparse matrix or any indexable
    index : slice, ndarray or other row index

    Returns
    -------
    rows : same kind as ``X[index]``

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.utils._indexing import take_rows
    >>> take_rows(np.arange(6).reshape(3, 2), np.array([2, 0]))
    array([[4, 5],
           [0, 1]])
    """
    if (
        isinstance(X, np.ndarray)
        and isinstance(index, np.ndarray)
        and index.dtype.kind in "iu"
    ):
        return X.take(index, axis=0)
    if isinstance(index, slice) and index.indices(X.shape[0]) == (0, X.shape[0], 1):
        return X
    return X[index]
