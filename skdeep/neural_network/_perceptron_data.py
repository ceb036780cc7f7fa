"""Access to the samples of the exact perceptron kernel.

* :class:`Window`: the rows of one window (gathered into a reused buffer;
  small sparse windows densified).
* :func:`dense_rows`: a few rows as a dense array, straight from CSR arrays.
* :class:`SparseGram`, :func:`rows_combination`, :func:`add_rows`: the window
  products on CSR rows, dense or sparse by width.
* :class:`QuietStretch`: decisions read from one product over the unpermuted
  data, to skip the samples before the next mistake without gathering rows.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import row_norms

from ..utils._indexing import take_rows
from ..utils._segments import gather_segments
from ._perceptron_penalty import penalty_sum

__all__ = [
    "QuietStretch",
    "SparseGram",
    "Window",
    "add_rows",
    "default_max_length",
    "dense_rows",
    "rows_combination",
]

# A quiet stretch is attempted when fewer mistakes than this are expected in
# the rest of the epoch (the product is wasted when one comes soon).
QUIET_MAX_EXPECTED_MISTAKES = 0.1


def dense_rows(X, positions, *, transposed=False):
    """``X[positions]`` as a dense array, for a dense or a canonical CSR ``X``.

    A handful of CSR rows gathered straight from ``indptr``/``indices``/
    ``data``: scipy's own row indexing has a large fixed cost per call.
    ``transposed=True`` returns the C-contiguous ``(n_features, n_rows)``
    transpose, ready for a sparse-times-dense product.
    """
    if not sp.issparse(X):
        rows = take_rows(X, positions)
        return np.ascontiguousarray(rows.T) if transposed else rows
    shape = (positions.shape[0], X.shape[1])
    out = np.zeros(shape[::-1] if transposed else shape, dtype=X.dtype)
    entries, row_of = gather_segments(X.indptr, positions)
    if entries.size:
        if transposed:
            out[X.indices[entries], row_of] = X.data[entries]
        else:
            out[row_of, X.indices[entries]] = X.data[entries]
    return out


# Dense copies of sparse rows cost O(n_features) each: above this many dense
# entries the products take scipy's sparse-times-sparse route instead (on
# text-like data, 100 000 features, a 256-row window's dense rows were 200 MB).
_DENSE_ROWS_LIMIT = 1 << 16


def _wide(X, n_rows):
    return X.shape[1] * n_rows > _DENSE_ROWS_LIMIT


class SparseGram:
    """Rows of the Gram matrix ``X @ X.T`` of a window's CSR rows ``X``, dense.

    Through the window's columns (an inverted index, built once per
    window): row ``j`` only involves the samples that share a feature with
    sample ``j``, so each of its entries is multiplied by the column of its
    feature and one ``bincount`` sums the products.  The cost follows those
    products, not the window's non-zeros times the rows asked (scipy's
    sparse-times-dense product, 3-4x slower on 2000 features), no dense
    copy of a row is made (``n_features`` wide), and pairs without a shared
    feature stay exactly zero.
    """

    def __init__(self, X):
        self.X = X
        self._columns = None

    def rows(self, positions):
        """``X[positions] @ X.T``, shape ``(len(positions), n_rows)``."""
        X, n_rows = self.X, self.X.shape[0]
        if self._columns is None:
            self._columns = X.tocsc()
        columns = self._columns
        entries, owner = gather_segments(X.indptr, positions)
        hits, entry_of = gather_segments(columns.indptr, X.indices[entries])
        weights = columns.data[hits] * X.data[entries][entry_of]
        cells = owner[entry_of] * n_rows + columns.indices[hits]
        size = positions.shape[0] * n_rows
        gram = np.bincount(cells, weights=weights, minlength=size)
        return gram.reshape(positions.shape[0], n_rows).astype(X.dtype, copy=False)


def rows_combination(X, positions, weights):
    """``weights @ X[positions]`` for CSR ``X``, dense ``(n_problems, n_features)``."""
    if not _wide(X, positions.shape[0]):
        return (dense_rows(X, positions, transposed=True) @ weights.T).T
    return np.asarray(X[positions].T @ weights.T).T


def add_rows(target, X, positions, weights):
    """In place ``target += weights @ X[positions]`` for one problem, CSR ``X``.

    ``target`` has shape ``(n_features,)`` and ``weights`` ``(len(positions),)``.
    One ``np.add.at`` over the rows' stored entries, added in sample order
    as the per-sample rule adds its updates; no dense row or
    ``n_features``-wide temporary.  For one problem this beats scipy's
    product (18 against 60 us for 36 rows of 2000 features, 41 against
    64 us for 235), for several it does not (:func:`rows_combination`).
    """
    entries, owner = gather_segments(X.indptr, positions)
    np.add.at(target, X.indices[entries], weights[owner] * X.data[entries])


# Sparse windows with few features are converted to dense arrays (at most
# _DENSIFY_LIMIT entries); wide sparse data stays sparse (dense rows would
# cost O(n_features) per product instead of O(nnz)), except in windows of at
# most _DENSIFY_SMALL entries, where scipy's per-call overheads dominate
# (noisy 20000 x 500 sparse data, whose windows shrink to 64 rows: 0.55 of
# the time; neutral on wider or quieter data).
_DENSIFY_LIMIT = 1 << 18
_DENSIFY_MAX_FEATURES = 256
_DENSIFY_SMALL = 1 << 16


class Window:
    """The samples of one window.

    ``mistake_rate`` is the recent mistake rate of the worst problem (None
    when unknown): a hint that lets a scan prepare for dense mistakes.
    """

    def __init__(self, X, idx, buffer=None, mistake_rate=None):
        self.length = idx.shape[0]
        self.mistake_rate = mistake_rate
        if sp.issparse(X):
            self.X = X[idx]
            dense_size = self.length * X.shape[1]
            if dense_size <= _DENSIFY_LIMIT and (
                X.shape[1] <= _DENSIFY_MAX_FEATURES or dense_size <= _DENSIFY_SMALL
            ):
                # Small windows are faster dense: scipy's per-call overhead
                # would dominate every product of the rounds.
                self.X = self.X.toarray()
        else:
            # One reused buffer avoids page faults per window; mode="clip" (the
            # indices are valid) lets numpy write straight into it.
            self.X = np.take(X, idx, axis=0, out=buffer[: self.length], mode="clip")

    def squared_norms(self, positions):
        """``||x_k||^2`` of the window samples at ``positions``."""
        if sp.issparse(self.X):
            # scikit-learn's compiled CSR row norms over the whole window:
            # scipy's row indexing and element-wise product cost 50x more.
            return row_norms(self.X, squared=True)[positions]
        rows = dense_rows(self.X, positions)
        return np.einsum("ij,ij->i", rows, rows)


def default_max_length(X):
    """Longest window: sparse windows stay small enough to be densified."""
    if not sp.issparse(X):
        return 4096
    if X.shape[1] <= _DENSIFY_MAX_FEATURES:
        return int(min(_DENSIFY_LIMIT // max(X.shape[1], 1), 4096))
    return 4096


class QuietStretch:
    """Skip the samples before the next mistake without gathering their rows.

    Late in training on (nearly) separable data most samples are classified
    correctly.  Their decisions under the current weights come from one
    product over the unpermuted data (streaming BLAS), read in visiting
    order; everything before the first mistake needs no update, only the L2
    shrinkage and its share of the objective.  The product is worth its
    cost only when the rest of the epoch probably holds no mistake, and not
    with the per-window L1 truncation.
    """

    def __init__(self, X, coef):
        self.decisions = X @ coef.T  # (n_samples, n_problems)

    @classmethod
    def maybe(cls, X, coef, sizer, l1, remaining):
        """A new stretch if it is expected to pay off, else None."""
        if sp.issparse(X) or l1 is not None or remaining < sizer.max_length:
            return None
        # The product costs about as much as gathering most of the rows, so
        # it pays only if the rest of the epoch likely holds no mistake.
        rate = getattr(sizer, "mistake_rate", None)
        if rate is None or rate * remaining > QUIET_MAX_EXPECTED_MISTAKES:
            return None
        return cls(X, coef)

    def skip(self, rest, coef, intercept, y_sign, shrink, penalty, step):
        """Advance over the quiet prefix of ``rest``; return its length, objective."""
        decisions = self.decisions[rest].T
        powers = shrink ** np.arange(rest.shape[0]) if shrink != 1.0 else None
        if powers is not None:
            decisions = decisions * powers
        decisions += intercept[:, None]
        mistaken = (y_sign[:, rest] * decisions <= 0).any(axis=0)
        visits = int(mistaken.argmax()) if mistaken.any() else rest.shape[0]
        objective = np.zeros(coef.shape[0])
        if penalty is not None and visits:
            none = np.zeros((coef.shape[0], visits), dtype=coef.dtype)
            objective += penalty_sum(
                penalty, None, coef, intercept, none, none, shrink, step
            )
        if powers is not None and visits:
            coef *= shrink**visits
        return visits, objective
