"""Binning many values at once through per-feature lookup tables.

``np.searchsorted`` pays a branch-mispredicting binary search per value
(about 50 ns for 255 thresholds here) and one call per feature.
:class:`BinLookup` bins every feature of a chunk of rows with a few array
passes instead: a uniform grid over each feature's threshold range gives a
lower bound of the bin (how many thresholds lie below the grid cell), and a
couple of comparisons with the next thresholds finish the count.  The result
is exactly ``searchsorted(thresholds, x, side="left")``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BinLookup"]

# Grid cells per threshold (plus one), and the most thresholds a value may
# have to step over after the grid's guess; features whose thresholds crowd
# into a few cells beyond that keep the binary search.
_CELLS_PER_BIN = 4
_MAX_STEPS = 8
# Values binned per chunk (bounds the temporaries at a few megabytes).
_CHUNK_VALUES = 2**18


class BinLookup:
    """Vectorised ``searchsorted`` of every column against its thresholds.

    Parameters
    ----------
    thresholds : list of ndarray
        Sorted bin edges of each feature (``BinMapper.bin_thresholds_``).

    Attributes
    ----------
    searched : ndarray of int
        Features binned by ``np.searchsorted`` (crowded thresholds).
    """

    def __init__(self, thresholds):
        n_features = len(thresholds)
        self.scale = np.zeros(n_features)
        self.offset = np.zeros(n_features)
        self.top = np.ones(n_features)
        cell_base, tables, searched = [], [], []
        # Thresholds of all features, each followed by +inf (a sentinel that
        # stops the count), and where each feature's run starts.
        self.th_base = np.cumsum([0] + [t.size + 1 for t in thresholds[:-1]])
        self.th_all = np.concatenate(
            [np.append(t, np.inf) for t in thresholds] or [np.empty(0)]
        )
        start = 0
        for j, t in enumerate(thresholds):
            table = self._feature_table(j, np.asarray(t, dtype=np.float64))
            if table is None:
                # Start at the sentinel (no steps); searchsorted fills it in.
                searched.append(j)
                table = np.array([len(t)], dtype=np.intp)
            cell_base.append(start)
            tables.append(table)
            start += table.size
        self.cell_base = np.asarray(cell_base, dtype=np.intp) - 1
        self.table = np.concatenate(tables) if tables else np.zeros(0, np.intp)
        self.searched = np.asarray(searched, dtype=np.intp)
        self.thresholds = thresholds

    def _feature_table(self, j, t):
        """Grid of feature ``j``: thresholds below each cell's left edge.

        Value ``x`` falls in cell ``floor((x - t[0]) * scale)``; the lookup
        starts one cell lower, so a rounding error of up to a cell in that
        index can only make the guess too small, never too large.
        """
        if t.size < 2:
            return np.zeros(1, dtype=np.intp)  # 0 or 1 threshold: steps finish
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
        self.scale[j], self.offset[j] = scale, -t[0] * scale
        self.top[j] = n_cells - 1
        return below[: n_cells - 1].astype(np.intp)

    def bins(self, X):
        """``searchsorted(thresholds[j], X[:, j], "left")`` for every column.

        ``X`` is a 2-D float array; NaN values get an arbitrary bin (the
        caller overwrites them).  Returns an intp array of ``X``'s shape.
        """
        out = np.empty(X.shape, dtype=np.intp)
        rows = max(1, _CHUNK_VALUES // max(X.shape[1], 1))
        for start in range(0, X.shape[0], rows):
            chunk = X[start : start + rows]
            out[start : start + rows] = self._chunk_bins(chunk)
        for j in self.searched:
            out[:, j] = np.searchsorted(self.thresholds[j], X[:, j], side="left")
        return out

    def _chunk_bins(self, X):
        # inf * 0 (a feature without a grid) is NaN, which fmax sends to 1.
        with np.errstate(invalid="ignore", over="ignore"):
            cell = X * self.scale
            cell += self.offset
        # fmax/fmin also send NaN to the first cell (searched features and
        # features with fewer than two thresholds have scale 0: cell 1).
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
