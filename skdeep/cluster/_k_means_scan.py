"""Closest centres from distances laid out one centre per row.

numpy's ``argmin``/``min`` along a short axis (the centres of each sample)
pay a fixed cost per sample; with the distances stored one centre per row,
a few passes over contiguous rows find the closest and second-closest
centre several times faster.  These scans serve the k-means E-steps of
:mod:`._kmeans_bounds` and :mod:`._k_means_common`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "BOUNDED_SCAN_PART_WORK",
    "first_argmin",
    "scan_part_rows",
    "scan_by_centre",
    "scan_centres",
    "scans_centres",
]


# Up to this many centres and features (dense data), closest-centre labels
# come from distances laid out one centre per row (:func:`first_argmin`):
# numpy's argmin along a short axis pays a fixed cost per sample, and with
# more features the product of that layout gets slower.  Up to the larger
# number of centres, narrow data scans too: 20-30 centres on 5-10 features
# took 0.71-0.79 of the time of ``argmin``, 40 centres 1.12-1.24, and 24
# centres on 30 features 1.06-1.13.
_SCAN_MAX_CLUSTERS = 16
_SCAN_MAX_FEATURES = 32
_NARROW_SCAN_MAX_CLUSTERS = 32
_NARROW_SCAN_MAX_FEATURES = 16
# Work (rows x (centres + features)) of a thread's part of a pass that scans
# by centre: the scan is many short elementwise passes, each taking the GIL
# back, and on short parts the threads wait on each other.  Two threads
# against one (interleaved medians), 8 centres over 10 features: closest
# centres 0.66-0.80 of the time at 60000-100000 rows, 0.92-1.05 at 30000;
# the bounded full pass (square roots and scattered bounds too) 0.79-0.93 at
# 60000-100000 rows, 1.20-1.29 at 30000; 4 centres over 3 features, 64000
# rows: 2.5x, 200000 rows: 0.67-0.80.
SCAN_PART_WORK = 400_000
BOUNDED_SCAN_PART_WORK = 500_000


def scan_part_rows(n_clusters, n_features, work=SCAN_PART_WORK):
    """Fewest rows of a thread's part of a pass that scans by centre."""
    return max(256, work // (n_clusters + n_features))


def scans_centres(n_clusters, n_features) -> bool:
    """Whether distances to ``n_clusters`` centres are scanned one centre per
    row (:func:`scan_centres`) rather than reduced along the centre axis."""
    if n_clusters <= _SCAN_MAX_CLUSTERS:
        return True
    return (
        n_clusters <= _NARROW_SCAN_MAX_CLUSTERS
        and n_features <= _NARROW_SCAN_MAX_FEATURES
    )


def scan_by_centre(X, n_clusters) -> bool:
    """Whether the closest-centre labels of ``X`` go through :func:`first_argmin`."""
    return (
        scans_centres(n_clusters, X.shape[1])
        and X.shape[1] <= _SCAN_MAX_FEATURES
        and not sp.issparse(X)
    )


def scan_centres(block_t, with_second=False):
    """Column minima of ``block_t`` (one row per centre) and the first row holding each.

    Returns ``(label, nearest, second)``: the row of each column's minimum as
    float32 (exact small integers; ties keep the first row, as ``argmin``
    does), the minimum, and with ``with_second`` the second-smallest entry
    (equal to the minimum on a tie; ``inf`` with one row), else None.

    One pass per centre over contiguous rows; the label moves by arithmetic
    (``label += closer * (centre - label)``): a masked write mispredicts its
    branches on random comparisons (30 against 2-3 us per 20000 values), and
    ``argmin`` along a short axis pays per column (8 x 20000: 520 against
    100-130 us).
    """
    n_columns = block_t.shape[1]
    nearest = block_t[0].copy()
    label = np.zeros(n_columns, dtype=np.float32)
    closer, step = np.empty((2, n_columns), dtype=np.float32)
    second = spare = None
    if with_second:
        second, spare = np.full_like(nearest, np.inf), np.empty_like(nearest)
    for centre in range(1, block_t.shape[0]):
        row = block_t[centre]
        if with_second:
            np.maximum(nearest, row, out=spare)
            np.minimum(second, spare, out=second)
        np.less(row, nearest, out=closer)
        np.subtract(centre, label, out=step)
        step *= closer
        label += step
        np.minimum(nearest, row, out=nearest)
    return label, nearest, second


# Below this many columns :func:`first_argmin` writes the matching centres
# through masks: fewer calls, and short masks mispredict little (1797
# columns, 10 centres: 30 against 42 us; 20000 columns: 357 against 173 us).
_MASKED_ARGMIN_MAX_COLUMNS = 8192


def first_argmin(block_t, out):
    """``np.argmin(block_t, axis=0)`` into ``out``, for one row per centre.

    Long rows go through :func:`scan_centres`.  Short ones take the column
    minima in one reduction, then write each centre where its row equals the
    minimum, from the last centre to the first (ties keep the first, as
    ``argmin`` does).
    """
    if block_t.shape[1] > _MASKED_ARGMIN_MAX_COLUMNS:
        out[...] = scan_centres(block_t)[0]
        return out
    nearest = block_t.min(axis=0)
    out[...] = block_t.shape[0] - 1
    match = np.empty(nearest.shape[0], dtype=bool)
    for centre in range(block_t.shape[0] - 2, -1, -1):
        np.equal(block_t[centre], nearest, out=match)
        np.copyto(out, centre, where=match)
    return out
