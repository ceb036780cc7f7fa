"""Binning many values at once through per-feature lookup tables.

``np.searchsorted`` pays a branch-mispredicting binary search per value
(about 50 ns for 255 thresholds here) and one call per feature.
:class:`BinLookup` bins the features with many thresholds, for a chunk of
rows at a time, with a few array passes instead: a uniform grid over each
feature's threshold range gives a lower bound of the bin (how many
thresholds lie below the grid cell), and a couple of comparisons with the
next thresholds finish the count.  The result is exactly
``searchsorted(thresholds, x, side="left")``.  Features with few thresholds
(a short, cheap search), crowded thresholds or an overflowing range keep the
binary search.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BinLookup"]

# Grid cells per threshold (plus one), and the most thresholds a value may
# have to step over after the grid's guess.
_CELLS_PER_BIN = 4
_MAX_STEPS = 8
# Features with fewer thresholds keep the binary search (a few levels).
_MIN_THRESHOLDS = 32
# Values binned per chunk (bounds the temporaries at a few megabytes).
_CHUNK_VALUES = 2**18
# Up to this many values, one search over every feature's thresholds at once
# beats a call per feature (one row: 6 against 52 us on 20 features).
_SMALL_VALUES = 2048


class BinLookup:
    """Vectorised ``searchsorted`` of every column against its thresholds.

    Parameters
    ----------
    thresholds : list of ndarray
        Sorted bin edges of each feature (``BinMapper.bin_thresholds_``).

    Attributes
    ----------
    gridded : ndarray of int
        Features binned through the grid; the others use ``np.searchsorted``.
    """

    def __init__(self, thresholds):
        self.thresholds = thresholds
        grids = {}
        for j, t in enumerate(thresholds):
            if t.size >= _MIN_THRESHOLDS:
                grid = _feature_grid(np.asarray(t, dtype=np.float64))
                if grid is not None:
                    grids[j] = grid
        self.gridded = np.fromiter(grids, dtype=np.intp, count=len(grids))
        self.searched = np.setdiff1d(np.arange(len(thresholds)), self.gridded)
        scales = [grids[j][0] for j in self.gridded]
        self.scale = np.array(scales, dtype=np.float64)
        self.offset = np.array([grids[j][1] for j in self.gridded], dtype=np.float64)
        self.top = np.array([grids[j][2].size for j in self.gridded], dtype=np.float64)
        tables = [grids[j][2] for j in self.gridded]
        sizes = np.array([0] + [t.size for t in tables], dtype=np.intp)
        self.cell_base = np.cumsum(sizes)[:-1] - 1
        self.table = np.concatenate(tables) if tables else np.zeros(0, np.intp)
        # Thresholds of the gridded features, each followed by +inf (a
        # sentinel that stops the count), and where each feature's run starts.
        runs = [np.append(thresholds[j], np.inf) for j in self.gridded]
        lengths = np.array([0] + [r.size for r in runs], dtype=np.intp)
        self.th_base = np.cumsum(lengths)[:-1]
        self.th_all = np.concatenate(runs) if runs else np.zeros(0)
        # Every threshold as the complex number ``feature + 1j * threshold``:
        # complex numbers sort by real part, then imaginary part, so one
        # search finds the feature's run and the position in it at once.
        counts = np.array([0] + [t.size for t in thresholds], dtype=np.intp)
        self.key_base = np.cumsum(counts)[:-1]
        self.keys = np.empty(counts.sum(), dtype=np.complex128)
        self.keys.real = np.repeat(np.arange(len(thresholds)), counts[1:])
        if len(thresholds):
            self.keys.imag = np.concatenate(thresholds)

    def transform(self, X, missing_bin):
        """Bins of ``X`` (2-D float array) as uint8, NaN in ``missing_bin``."""
        if X.size <= _SMALL_VALUES and "keys" in self.__dict__:
            return self._search_all(X, missing_bin)
        out = np.empty(X.shape, dtype=np.uint8)
        if self.gridded.size:
            every = self.gridded.size == X.shape[1]
            rows = max(1, _CHUNK_VALUES // self.gridded.size)
            for start in range(0, X.shape[0], rows):
                chunk = X[start : start + rows]
                if not every:
                    chunk = chunk[:, self.gridded]
                bins = self._chunk_bins(chunk)
                np.putmask(bins, np.isnan(chunk), missing_bin)
                if every:
                    out[start : start + rows] = bins
                else:
                    out[start : start + rows, self.gridded] = bins
        for j in self.searched:
            column = X[:, j]
            bins = np.searchsorted(self.thresholds[j], column, side="left")
            bins[np.isnan(column)] = missing_bin
            out[:, j] = bins
        return out

    def _search_all(self, X, missing_bin):
        """:meth:`transform` by one ``searchsorted`` over all features."""
        # Built part by part: ``1j * inf`` would make a NaN real part.
        queries = np.empty(X.shape, dtype=np.complex128)
        queries.real = np.arange(X.shape[1])
        queries.imag = X
        position = np.searchsorted(self.keys, queries.ravel(), side="left")
        bins = position.reshape(X.shape) - self.key_base
        bins[np.isnan(X)] = missing_bin
        return bins.astype(np.uint8)

    def _chunk_bins(self, X):
        with np.errstate(invalid="ignore", over="ignore"):
            cell = X * self.scale
            cell += self.offset
        # fmax/fmin also send NaN (and inf * 0) to the first cell.
        np.fmax(cell, 1.0, out=cell)
        np.fmin(cell, self.top, out=cell)
        index = cell.astype(np.intp)
        index += self.cell_base
        position = self.table[index]
        position += self.th_base
        while True:
            step = self.th_all[position] < X
            if not step.any():
                break
            position += step
        position -= self.th_base
        return position


def _feature_grid(t):
    """``(scale, offset, table)`` of one feature's grid, or None.

    Value ``x`` falls in cell ``floor((x - t[0]) * scale)``; ``table[c]``
    counts the thresholds below the left edge of cell ``c``.  The lookup
    reads the entry one cell below ``x``'s, so a rounding error of up to a
    cell in the index can only make the guess too small, never too large
    (the comparisons then step it up to the exact count).  None when the
    range overflows or the thresholds crowd into a few cells (more than
    ``_MAX_STEPS`` comparisons after the guess).
    """
    n_cells = _CELLS_PER_BIN * (t.size + 1)
    span = t[-1] - t[0]
    if not np.isfinite(span) or span <= 0:
        return None
    scale = n_cells / span
    edges = t[0] + np.arange(n_cells + 1) / scale
    below = np.searchsorted(t, edges, side="left")
    # A value in cell c (guess: cell c - 1) steps over the thresholds of
    # cells c - 1 and c, plus the one it stops at.
    if (below[2:] - below[:-2]).max(initial=0) > _MAX_STEPS:
        return None
    return scale, -t[0] * scale, below[: n_cells - 1].astype(np.intp)
