"""Per-cluster weighted sums of samples, the M-step of every k-means variant.

The sums become centres by :func:`average_centers`, after
:func:`relocate_empty_clusters` has given every empty cluster a sample.

A weighted one-hot (cluster x sample) sparse matrix times ``X`` costs
``O(n_rows x n_features)`` whatever the number of clusters; mini-batch fits
reuse one such matrix across batches, and sparse rows are summed straight
from their stored entries.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..utils._segments import segment_owners
from ._k_means_common import exact_sq_dist_to_assigned

__all__ = [
    "ReusedIndicator",
    "average_centers",
    "indicator_product",
    "relocate_empty_clusters",
    "weighted_sums",
]


def indicator_product(X, rows_to_clusters, weights, n_clusters):
    """``M @ X`` for a sparse (n_clusters, n_rows) matrix given column-wise.

    Column ``r`` of ``M`` holds ``weights[e]`` at row ``rows_to_clusters[e]``
    for its entries ``e``; every column has the same number of entries
    (``len(weights) // n_rows``).  A sparse product costs ``O(n_rows x
    n_features)`` whatever the number of clusters, unlike a dense one-hot GEMM.
    """
    n_rows = X.shape[0]
    per_row = weights.shape[0] // max(n_rows, 1)
    indptr = np.arange(0, per_row * n_rows + 1, per_row)
    indicator = sp.csc_matrix(
        (weights.astype(np.float64, copy=False), rows_to_clusters, indptr),
        shape=(n_clusters, n_rows),
    )
    return _dense(indicator @ X)


def _dense(product):
    return product.toarray() if sp.issparse(product) else np.asarray(product)


def weighted_sums(X, labels, weights, n_clusters):
    """Per-cluster sums of ``w * x``, shape (n_clusters, n_features), float64.

    Sparse rows are summed by one ``bincount`` over their stored entries into
    the flat ``(cluster, feature)`` cells: the same products added in the
    same (row) order as the sparse indicator product, 3-4x faster on wide
    data (1024 text-like rows, 20000 features: 0.27 against 0.96 ms).
    """
    if sp.issparse(X) and X.format == "csr":
        row_of = segment_owners(X.indptr)
        cells = labels.astype(np.intp)[row_of] * X.shape[1]
        cells += X.indices
        products = np.multiply(X.data, weights[row_of], dtype=np.float64)
        sums = np.bincount(cells, weights=products, minlength=n_clusters * X.shape[1])
        return sums.reshape(n_clusters, X.shape[1])
    return indicator_product(X, labels, weights, n_clusters)


class ReusedIndicator:
    """:func:`weighted_sums` for many batches of ``n_rows`` rows.

    One sparse (n_clusters, n_rows) indicator is built once and its row
    indices and values are rewritten for each batch: building a scipy matrix
    costs more than the product on mini-batches (24 against 6 us for 1024
    rows of 2 features).  The sums are the same floats as
    :func:`weighted_sums` (same entries, same order).
    """

    def __init__(self, n_rows, n_clusters):
        self.n_rows = n_rows
        self.matrix = sp.csc_matrix(
            (
                np.zeros(n_rows),
                np.zeros(n_rows, dtype=np.int32),
                np.arange(n_rows + 1, dtype=np.int32),
            ),
            shape=(n_clusters, n_rows),
        )

    def sums(self, X, labels, weights):
        """Per-cluster sums of ``w * x`` for a batch of ``n_rows`` rows."""
        if X.shape[0] != self.n_rows or sp.issparse(X):
            return weighted_sums(X, labels, weights, self.matrix.shape[0])
        self.matrix.indices[:] = labels
        self.matrix.data[:] = weights
        return _dense(self.matrix @ X)


def relocate_empty_clusters(X, sample_weight, centers_old, sums, weights, labels):
    """Move empty clusters onto the samples farthest from their centre.

    ``sums`` (weighted coordinate sums) and ``weights`` (cluster weights) are
    updated in place; a relocated sample is taken out of its old cluster.
    Nothing happens when every sample sits exactly on its centre (more
    clusters than distinct points), where relocating cannot help.
    """
    empty = np.flatnonzero(weights == 0)
    if empty.size == 0:
        return
    dist = exact_sq_dist_to_assigned(X, centers_old, labels)
    if dist.max() == 0:
        return
    n_empty = empty.size
    farthest = np.argpartition(dist, -n_empty)[-n_empty:]
    farthest = farthest[np.argsort(-dist[farthest], kind="stable")]
    rows = X[farthest]
    rows = rows.toarray() if sp.issparse(rows) else rows
    moved_weight = sample_weight[farthest]
    weighted_rows = rows * moved_weight[:, None]
    # A cluster can lose several samples, hence the unbuffered subtraction.
    np.subtract.at(sums, labels[farthest], weighted_rows)
    np.subtract.at(weights, labels[farthest], moved_weight)
    sums[empty] = weighted_rows
    weights[empty] = moved_weight


def average_centers(sums, weights):
    """Divide sums by weights in place; empty clusters go to the heaviest one."""
    nonempty = weights > 0
    if nonempty.all():
        # The usual case, without masked copies (a few us an iteration).
        sums /= weights[:, None]
        return sums
    sums[nonempty] /= weights[nonempty, None]
    sums[~nonempty] = sums[np.argmax(weights)]
    return sums
