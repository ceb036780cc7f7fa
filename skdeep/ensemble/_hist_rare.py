"""Node histograms from the rare entries of the binned matrix.

On sparse-like data (one-hot columns, counts, text) most entries of a feature
fall into one bin, its *common* bin (the bin of zero, usually).  A node's
histogram then needs only the other entries: the common bin's gradient,
hessian and count are the node's totals minus the rest of the feature's bins.
The work per node is proportional to the rare entries of its rows instead of
``rows × features``, which makes gradient boosting usable on wide sparse
input.  The common-bin cells come from a subtraction, so they may differ from
direct sums in the last bits; the route is taken only when rare entries are
at most a quarter of a large binned matrix.
"""

from __future__ import annotations

import numpy as np

from ..utils._segments import gather_segments, segment_owners

__all__ = ["RareEntries", "rare_histograms"]

#: Largest fraction of rare entries for which the route pays.
_MAX_FRACTION = 0.25
#: Smallest binned matrix (rows × features) considered.
_MIN_ENTRIES = 1 << 20


class RareEntries:
    """The entries of a binned matrix outside their feature's common bin.

    Attributes
    ----------
    common : ndarray of shape (n_features,)
        Each feature's most frequent bin.
    indptr : ndarray of shape (n_rows + 1,)
        Row ``i``'s rare entries are ``cells[indptr[i]:indptr[i + 1]]``.
    cells : ndarray
        Flat histogram cell ``feature * n_bins + bin`` of each rare entry.
    """

    def __init__(self, binned, n_bins, common):
        self.common = common
        rows, columns = np.nonzero(binned != common)
        counts = np.bincount(rows, minlength=binned.shape[0])
        self.indptr = np.concatenate([[0], np.cumsum(counts)])
        self.cells = columns * n_bins + binned[rows, columns]

    @classmethod
    def maybe(cls, data):
        """The rare entries of ``data`` (a BinnedData), or None if not worth it.

        Computed once per binned data set and cached on it.
        """
        cached = data.__dict__.get("_rare_entries", False)
        if cached is not False:
            return cached
        entries = None
        n_entries = data.n_rows * data.n_features
        if n_entries >= _MIN_ENTRIES:
            counts = np.bincount(
                data.base.ravel(), minlength=data.n_features * data.n_bins
            )
            counts = counts.reshape(data.n_features, data.n_bins)
            common = counts.argmax(axis=1)
            n_common = counts[np.arange(data.n_features), common].sum()
            if n_entries - n_common <= _MAX_FRACTION * n_entries:
                entries = cls(
                    data.binned, data.n_bins, common.astype(data.binned.dtype)
                )
        data.__dict__["_rare_entries"] = entries
        return entries

    def take(self, rows):
        """The rare entries of the rows ``rows`` (same common bins)."""
        child = object.__new__(RareEntries)
        child.common = self.common
        counts = self.indptr[rows + 1] - self.indptr[rows]
        child.indptr = np.concatenate([[0], np.cumsum(counts)])
        child.cells = self.gather(rows)[0]
        return child

    def gather(self, rows):
        """Cells of the rare entries of ``rows``; each one's position in ``rows``."""
        positions, owner = gather_segments(self.indptr, rows)
        return self.cells[positions], owner


def rare_histograms(entries, g, h, rows, row_local, totals, shape, unit_hessian):
    """Gradient, hessian and count histograms of ``k`` nodes, shape (k, 3, F, B).

    ``rows`` (None: all rows, one node) are the rows of the nodes and
    ``row_local`` their node's position; ``totals`` are the nodes' (gradient,
    hessian, count) sums; ``unit_hessian`` is the common hessian of every row
    when all are equal (the hessian histogram is then the count's multiple).
    """
    k, n_features, n_bins = shape
    size = k * n_features * n_bins
    if rows is None:
        cells, owner_rows = entries.cells, segment_owners(entries.indptr)
    else:
        cells, owner = entries.gather(rows)
        cells = cells + row_local[owner] * (n_features * n_bins)
        owner_rows = rows[owner]
    hist = np.zeros((3, size))
    hist[0] = np.bincount(cells, weights=g[owner_rows], minlength=size)
    hist[2] = np.bincount(cells, minlength=size)
    if unit_hessian is None:
        hist[1] = np.bincount(cells, weights=h[owner_rows], minlength=size)
    hist = hist.reshape(3, k, n_features, n_bins)
    features = np.arange(n_features)
    for stat in (0, 2) if unit_hessian is not None else (0, 1, 2):
        rest = hist[stat].sum(axis=2)  # the common cells are still zero
        hist[stat][:, features, entries.common] = totals[stat][:, None] - rest
    if unit_hessian is not None:
        np.multiply(hist[2], unit_hessian, out=hist[1])
    return hist.transpose(1, 0, 2, 3)
