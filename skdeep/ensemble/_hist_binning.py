"""Quantile binning of continuous features into small integers (uint8).

Histogram trees never look at raw feature values while they grow: every
feature is mapped once to at most ``max_bins`` ordered bins plus one extra bin
for missing values, and all split searches work on bin indices.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from ..utils._threads import usable_threads
from ._hist_lookup import BinLookup
from ._hist_rare import RareEntries

__all__ = ["BinMapper", "BinnedData"]

#: Largest number of non-missing bins: one more (the missing bin) fits a uint8.
MAX_BINS = 255


def _sorted_thresholds(ordered, max_bins):
    """Upper edges of the bins of one feature from its sorted values (NaN
    removed), and the value of each bin when every bin holds one distinct
    value (else None).

    With few distinct values every value gets its own bin and the edges are
    the midpoints between consecutive values, so the binned split search is
    exact; otherwise the edges are quantiles of the data.

    The quantiles are ``np.percentile(values, ranks, method="midpoint")``
    read straight off the sorted values: the midpoint of the order
    statistics at ``floor`` and ``ceil`` of ``(n - 1) q`` (numpy's own
    interpolation, ``high - (high - low) / 2``), without its partition.
    """
    first = np.empty(ordered.shape, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if np.count_nonzero(first) <= max_bins:
        distinct = ordered[first]
        return (distinct[:-1] + distinct[1:]) * 0.5, distinct
    position = (ordered.size - 1) * (np.linspace(0, 100, max_bins + 1)[1:-1] / 100)
    low, high = np.floor(position).astype(np.intp), np.ceil(position).astype(np.intp)
    low_value, high_value = ordered[low], ordered[high]
    middle = high_value - (high_value - low_value) * 0.5
    return np.unique(np.where(low == high, low_value, middle)), None


#: Values sorted at once per block of features (64 MB of float64): bounds the
#: sorted copies, one block per thread at a time.
_SORT_BLOCK_VALUES = 1 << 23


def _thresholds_of_columns(columns, max_bins):
    """:func:`_sorted_thresholds` of every row of ``columns`` (features x rows).

    The columns are sorted in blocks of features on parallel threads
    (numpy's sort releases the GIL); NaN sorts last and is cut off.
    """
    n_features, n_rows = columns.shape
    n_threads = min(usable_threads(), n_features) if columns.size > 1 << 20 else 1
    # Equal blocks, at least one per thread, none above the size bound.
    n_blocks = max(n_threads, -(-columns.size // _SORT_BLOCK_VALUES))
    edges = np.linspace(0, n_features, min(n_blocks, n_features) + 1).astype(int)
    blocks = [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]

    def thresholds(block):
        ordered = np.sort(columns[block], axis=1)
        n_valid = n_rows - np.count_nonzero(np.isnan(ordered), axis=1)
        return [_sorted_thresholds(o[:n], max_bins) for o, n in zip(ordered, n_valid)]

    if n_threads == 1:
        return [edges for block in blocks for edges in thresholds(block)]
    with ThreadPoolExecutor(n_threads) as pool:
        return [edges for part in pool.map(thresholds, blocks) for edges in part]


class BinMapper:
    """Map every feature to at most ``max_bins`` quantile bins plus a NaN bin.

    Parameters
    ----------
    max_bins : int, default=255
        Maximum number of bins for non-missing values (at most 255).
    subsample : int or None, default=200_000
        Number of rows used to compute the quantiles; ``None`` uses all rows.
    random_state : int, RandomState instance or None, default=None
        Draws the subsample.

    Attributes
    ----------
    bin_thresholds_ : list of ndarray
        For feature ``j``, ``bin_thresholds_[j][b]`` is the largest value that
        falls in bin ``b`` (values ``x <= threshold`` go to bins ``<= b``).
    bin_values_ : list of ndarray or None
        For a feature with at most ``max_bins`` distinct values (and no
        subsample), the value of each bin; None otherwise.
    n_bins_ : int
        Stride of the histograms: the largest number of non-missing bins over
        the features, plus one for the missing bin.
    missing_bin_ : int
        Bin index of missing values (``n_bins_ - 1``), shared by all features.

    Examples
    --------
    >>> import numpy as np
    >>> mapper = BinMapper(max_bins=3).fit(np.array([[0.0], [1.0], [2.0], [np.nan]]))
    >>> mapper.transform(np.array([[0.7], [2.0], [np.nan]])).ravel().tolist()
    [1, 2, 3]
    """

    def __init__(self, max_bins=MAX_BINS, subsample=200_000, random_state=None):
        self.max_bins = max_bins
        self.subsample = subsample
        self.random_state = random_state

    def fit(self, X):
        """Compute the bin edges of every column of ``X`` (n_samples, n_features)."""
        if not 2 <= self.max_bins <= MAX_BINS:
            raise ValueError(
                f"max_bins must be in [2, {MAX_BINS}], got {self.max_bins}."
            )
        X = np.asarray(X)
        # A subsample may miss values: its distinct values do not bin the data.
        sampled = self.subsample is not None and X.shape[0] > self.subsample
        if sampled:
            rng = check_random_state(self.random_state)
            rows = rng.choice(X.shape[0], self.subsample, replace=False)
            X = X[np.sort(rows)]
        columns = np.asarray(X, dtype=np.float64).T
        found = _thresholds_of_columns(columns, self.max_bins)
        self.bin_thresholds_ = [edges for edges, _ in found]
        self.bin_values_ = [None if sampled else values for _, values in found]
        n_non_missing = max(t.size + 1 for t in self.bin_thresholds_)
        self.n_bins_ = n_non_missing + 1
        self.missing_bin_ = n_non_missing
        self._lookup = BinLookup(self.bin_thresholds_)
        return self

    def transform(self, X):
        """Bin ``X``; returns a C-contiguous uint8 array of the same shape.

        Columns with many thresholds go through :class:`BinLookup` (exactly
        the bins of ``np.searchsorted`` against the thresholds, 4x faster than
        one binary search per value and feature), the others through
        ``np.searchsorted`` itself.
        """
        X = np.asarray(X)
        lookup = self.__dict__.get("_lookup") or BinLookup(self.bin_thresholds_)
        return lookup.transform(X, self.missing_bin_)

    def split_point(self, feature, low, high):
        """Bin and real threshold of a split whose left side ends at occupied
        bin ``low`` and whose right side starts at occupied bin ``high``.

        Every bin from ``low`` to ``high - 1`` splits the node's rows alike;
        the choice decides where values in the empty bins between go
        (out-of-bag rows, new data).  As in an exact decision tree, the cut is
        the midpoint of the two neighbouring values when each bin holds one
        value: the threshold is that midpoint and the bin the last one whose
        value lies at or below it (so bins and values route the training
        values alike).  Otherwise it is the edge nearest to the middle of the
        gap.  ``high <= low + 1`` (no gap; -1: no occupied bin on the right)
        keeps ``low`` and its upper edge.
        """
        values = self.bin_values_[feature] if high > low + 1 else None
        if values is not None:
            middle = values[low] / 2.0 + values[high] / 2.0
            if middle >= values[high]:  # rounding: keep the left value
                middle = values[low]
            chosen = np.searchsorted(values, middle, side="right") - 1
            return int(min(max(chosen, low), high - 1)), float(middle)
        chosen = low
        if high > low + 1:
            edges = self.bin_thresholds_[feature][low:high]
            chosen += int(np.argmin(np.abs(edges - (edges[0] + edges[-1]) / 2.0)))
        return chosen, float(self.bin_upper_value(feature, chosen))

    def snapped(self, feature, thresholds):
        """The upper edges of the bins that hold ``thresholds`` of ``feature``
        (each at or above a bin's value): the bin edges that route the training
        values like the thresholds.  Thresholds of quantile bins are edges
        already and are returned as they are.
        """
        values = self.bin_values_[feature]
        if values is None:
            return thresholds
        bins = np.searchsorted(values, thresholds, side="right") - 1
        edges = np.append(self.bin_thresholds_[feature], np.inf)
        return edges[np.maximum(bins, 0)]

    @classmethod
    def from_edges(cls, edges):
        """A fitted mapper with the given sorted bin edges (list per feature)."""
        mapper = cls()
        mapper.bin_thresholds_ = list(edges)
        mapper.bin_values_ = [None] * len(edges)
        mapper.missing_bin_ = max([0] + [e.size for e in edges]) + 1
        mapper.n_bins_ = mapper.missing_bin_ + 1
        mapper._lookup = BinLookup(mapper.bin_thresholds_)
        return mapper

    def bin_upper_value(self, feature, bin_index):
        """Real-valued threshold of ``bin_index`` for ``feature`` (inf if last)."""
        thresholds = self.bin_thresholds_[feature]
        return thresholds[bin_index] if bin_index < thresholds.size else np.inf


@dataclass
class BinnedData:
    """Binned training rows shared by all the trees of an ensemble.

    ``base[i, j] = j * n_bins + binned[i, j]`` is the flat histogram index of
    row ``i`` and feature ``j`` inside one node's block; it is computed once.
    """

    binned: np.ndarray
    bin_mapper: object

    def __post_init__(self):
        self.binned = np.ascontiguousarray(self.binned, dtype=np.uint8)
        self.n_rows, self.n_features = self.binned.shape
        self.n_bins = self.bin_mapper.n_bins_
        self.missing_bin = self.bin_mapper.missing_bin_
        offsets = np.arange(self.n_features, dtype=np.int32) * self.n_bins
        self.base = self.binned.astype(np.int32) + offsets

    @property
    def bin_counts(self):
        """Rows per (feature, bin) cell, flat as ``base``, counted once."""
        counts = self.__dict__.get("_bin_counts")
        if counts is None:
            size = self.n_features * self.n_bins
            counts = np.bincount(self.base.ravel(), minlength=size).astype(float)
            self.__dict__["_bin_counts"] = counts
        return counts

    def take(self, rows):
        """The same data restricted to ``rows`` (e.g. a subsample).

        The rare entries (see :mod:`._hist_rare`) are decided once, on the
        full data, and passed on: a subsample never rescans its matrix.
        """
        child = BinnedData(self.binned[rows], self.bin_mapper)
        rare = RareEntries.maybe(self)
        child.__dict__["_rare_entries"] = None if rare is None else rare.take(rows)
        return child
