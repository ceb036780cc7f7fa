"""Triangle-inequality bounds that let k-means skip unchanged samples.

Every sample keeps an upper bound on the distance to its own centre and lower
bounds on the distances to the other centres.  When the centres move by
``shift``, the bounds stay valid after widening them by ``shift``.  A sample
whose upper bound is below all its lower bounds, or below half the distance
from its centre to the nearest other centre, provably keeps its label; only
the other samples get their distance rows recomputed, by one chunked matrix
product.  Labels are therefore exactly those of a full Lloyd pass.

* :class:`HamerlyBounds` (Hamerly, 2010) keeps one lower bound per sample, on
  the second-closest centre: two extra floats per sample.
* :class:`ElkanBounds` (Elkan, 2003) also keeps one lower bound per (centre,
  sample): more memory, fewer recomputations.
* :class:`FullPassLabels` keeps no bounds and recomputes every distance: on
  small problems the bookkeeping costs more than the distances it saves.
"""

from __future__ import annotations

import numpy as np

from ..utils._indexing import take_rows
from ._k_means_common import (
    centre_rows,
    closest_centres,
    iter_chunks,
    partial_distances,
    prepare_centers,
    row_width,
    run_in_row_parts,
    squared_norms,
    transposed_copy,
)
from ._k_means_scan import (
    BOUNDED_SCAN_PART_WORK,
    first_argmin,
    scan_by_centre,
    scan_centres,
    scan_part_rows,
    scans_centres,
)

# Past this fraction of candidates a plain pass over contiguous chunks beats
# gathering the candidate rows.
_FULL_PASS_FRACTION = 0.5


def center_half_distances(centers):
    """Half the pairwise centre distances (diagonal +inf) and, per centre, the
    smallest one.  The infinite diagonal keeps a sample's own centre from
    looking like a better candidate in the bound tests."""
    sq = squared_norms(centers).astype(np.float64)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (centers @ centers.T)
    half = np.sqrt(np.maximum(d2, 0.0)) / 2.0
    np.fill_diagonal(half, np.inf)
    return half, half.min(axis=0)


class HamerlyBounds:
    """Labels of ``X`` for moving centres, with Hamerly's two bounds per sample."""

    def __init__(self, X, centers):
        n_samples = X.shape[0]
        self.X, self.x_sq = X, squared_norms(X)
        self.labels = np.empty(n_samples, dtype=np.int32)
        self.upper = np.empty(n_samples, dtype=np.float64)
        self.second = np.empty(n_samples, dtype=np.float64)
        self._allocate(n_samples, centers.shape[0])
        self.recompute(centers, None)

    def _allocate(self, n_samples, n_clusters):
        """Room for extra bounds (none here)."""

    def _store_rows(self, idx, sq_dist):
        """Keep extra bounds from exact squared distances (none here)."""

    def _chunks(self, rows, n_clusters, part):
        """Chunks of the positions ``part`` of ``rows`` (None: all rows)."""
        n_features, itemsize = row_width(self.X), self.X.dtype.itemsize
        n_part = part.stop - part.start
        for sub in iter_chunks(n_part, n_clusters, n_features, itemsize):
            piece = slice(part.start + sub.start, part.start + sub.stop)
            # Contiguous slices avoid copying X when every row is recomputed.
            yield piece if rows is None else rows[piece]

    def recompute(self, centers, rows):
        """Exact distances for ``rows`` (None: all): labels and bounds.

        Large passes are split across threads (:func:`run_in_row_parts`).
        """
        prepared = prepare_centers(centers)
        n_rows = self.X.shape[0] if rows is None else rows.size
        work = centers.shape[0] + self.X.shape[1]
        run_in_row_parts(
            lambda part: self._recompute(prepared, rows, part),
            n_rows,
            work,
            self._min_part_rows(centers.shape[0], rows),
        )

    def _min_part_rows(self, n_clusters, rows):
        """Rows per thread of a pass (see ``SCAN_PART_WORK``): scans over all
        rows need enough work per part, passes over gathered rows the
        default."""
        n_features = self.X.shape[1]
        if rows is None and scans_centres(n_clusters, n_features):
            return scan_part_rows(n_clusters, n_features, BOUNDED_SCAN_PART_WORK)
        return None

    def _recompute(self, prepared, rows, part):
        minus_two_centers_t, centers_sq = prepared
        n_clusters = centers_sq.shape[0]
        if scans_centres(n_clusters, self.X.shape[1]):
            self._recompute_by_centre(prepared, rows, part)
            return
        for idx in self._chunks(rows, n_clusters, part):
            block = partial_distances(
                take_rows(self.X, idx), minus_two_centers_t, centers_sq
            )
            block += self.x_sq[idx, None]
            np.maximum(block, 0.0, out=block)
            best = np.argmin(block, axis=1)
            self.labels[idx] = best
            self._store_rows(idx, block)
            positions = np.arange(block.shape[0])
            self.upper[idx] = np.sqrt(block[positions, best])
            if n_clusters > 1:
                block[positions, best] = np.inf
                self.second[idx] = np.sqrt(block.min(axis=1))
            else:
                self.second[idx] = np.inf

    def _recompute_by_centre(self, prepared, rows, part):
        """:meth:`_recompute` with the distances laid out one centre per row.

        With few centres, numpy's reductions along the short centre axis
        (``argmin``, ``min``) pay a fixed cost per sample; passes over
        contiguous per-centre rows (:func:`scan_centres`) are several times
        faster and give the same labels and bounds.
        """
        minus_two_centers_t, centers_sq = prepared
        for idx in self._chunks(rows, centers_sq.shape[0], part):
            block_t = centre_rows(take_rows(self.X, idx), minus_two_centers_t)
            block_t += centers_sq[:, None]
            block_t += self.x_sq[idx]
            np.maximum(block_t, 0.0, out=block_t)
            best, nearest, second = scan_centres(block_t, with_second=True)
            self.labels[idx] = best
            self._store_rows(idx, block_t.T)
            self.upper[idx] = np.sqrt(nearest)
            self.second[idx] = np.sqrt(second)

    def shift(self, shift):
        """Widen the bounds after centre ``j`` moved by ``shift[j]``."""
        self.upper += shift.take(self.labels)
        if shift.size > 1:
            # The second-closest centre is any centre but the own one: it
            # moved at most the largest shift among the others.  One gather
            # from a per-centre table (a comparison and ``np.where`` over the
            # samples cost twice as much).
            runner_up, fastest = np.argsort(shift)[-2:]
            others = np.full_like(shift, shift[fastest])
            others[fastest] = shift[runner_up]
            self.second -= others.take(self.labels)

    def _refine(self, candidates, half):
        """Further bound tests on the candidates (none here)."""
        return candidates

    def assign(self, centers):
        """E-step for the new ``centers``: update labels and bounds."""
        half, nearest_other = center_half_distances(centers)
        threshold = nearest_other.take(self.labels)
        np.maximum(threshold, self.second, out=threshold)
        candidates = np.flatnonzero(self.upper > threshold)
        if candidates.size:
            candidates = self._refine(candidates, half)
        if candidates.size > _FULL_PASS_FRACTION * self.X.shape[0]:
            self.recompute(centers, None)
        elif candidates.size:
            self.recompute(centers, candidates)


class ElkanBounds(HamerlyBounds):
    """Hamerly's bounds plus one lower bound per (centre, sample).

    Lower bounds are stored as ``(n_clusters, n_samples)`` so that reductions
    over centres run along contiguous rows, and offset by the cumulative shift
    of each centre: widening them all is an ``O(n_clusters)`` update.
    """

    def _allocate(self, n_samples, n_clusters):
        self.lower = np.empty((n_clusters, n_samples), dtype=np.float64)
        self.offset = np.zeros(n_clusters, dtype=np.float64)

    def _store_rows(self, idx, sq_dist):
        self.lower[:, idx] = np.sqrt(sq_dist).T + self.offset[:, None]

    def shift(self, shift):
        super().shift(shift)
        self.offset += shift

    def _refine(self, candidates, half):
        # Column gathers by ``take``: twice as fast as fancy indexing.
        bound = self.lower.take(candidates, axis=1)
        bound -= self.offset[:, None]
        own = self.labels.take(candidates)
        np.maximum(bound, half.take(own, axis=1), out=bound)
        return candidates[bound.min(axis=0) < self.upper[candidates]]


class FullPassLabels(HamerlyBounds):
    """Closest-centre labels from a full distance pass at every E-step.

    No bounds to keep: the argmin of ``||c||² - 2 x·c`` (the ``||x||²`` term
    does not change it), as scikit-learn's Lloyd iteration computes it.
    Small dense data keeps a :func:`transposed_copy` of X for the pass:
    ``-2 C @ X_t`` is 20-40 % cheaper than the product in X's own layout
    (65 against 100 us for 10 centres on digits).
    """

    def __init__(self, X, centers):
        self.X = X
        self.X_t = transposed_copy(X)
        self.labels = np.empty(X.shape[0], dtype=np.int32)
        self.recompute(centers, None)

    def _recompute(self, prepared, rows, part):
        minus_two_centers_t, centers_sq = prepared
        n_clusters = centers_sq.shape[0]
        if self.X_t is not None and rows is None:
            block_t = minus_two_centers_t.T @ self.X_t[:, part]
            block_t += centers_sq[:, None]
            if scans_centres(n_clusters, self.X.shape[1]):
                first_argmin(block_t, self.labels[part])
            else:
                self.labels[part] = np.argmin(block_t, axis=0)
            return
        by_centre = scan_by_centre(self.X, n_clusters)
        for idx in self._chunks(rows, n_clusters, part):
            closest_centres(
                take_rows(self.X, idx), prepared, self.labels[idx], by_centre
            )

    def _min_part_rows(self, n_clusters, rows):
        scans = self.X_t is not None or scan_by_centre(self.X, n_clusters)
        if scans_centres(n_clusters, self.X.shape[1]) and scans:
            return scan_part_rows(n_clusters, self.X.shape[1])
        return None

    def shift(self, shift):
        """Nothing to widen."""

    def assign(self, centers):
        self.recompute(centers, None)
