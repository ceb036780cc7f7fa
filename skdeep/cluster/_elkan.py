"""Elkan's k-means: Lloyd's iterations that skip provably unchanged samples.

Each sample keeps an upper bound on the distance to its own centre and, per
centre, a lower bound on the distance to that centre.  After the centres move
by ``shift``, the bounds stay valid when widened by ``shift``.  The triangle
inequality then proves most samples keep their label: a sample is only looked
at again when its upper bound exceeds both the lower bound of, and half the
distance between its centre and, some other centre.  The test is vectorised
over all samples; the few rows that fail it get their whole distance row
recomputed with one matrix product, so labels match Lloyd's exactly.
"""

from __future__ import annotations

import numpy as np

from ._k_means_common import (
    chunk_size,
    inertia,
    iter_chunks,
    partial_distances,
    prepare_centers,
    single_threaded_blas,
    squared_norms,
)
from ._lloyd import ClusterSums


def _center_half_distances(centers):
    """Half the pairwise centre distances (diagonal +inf) and, per centre, the
    smallest one.  The infinite diagonal makes a sample's own centre never
    look like a better candidate in the bound tests."""
    sq = squared_norms(centers).astype(np.float64)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (centers @ centers.T)
    half = np.sqrt(np.maximum(d2, 0.0)) / 2.0
    np.fill_diagonal(half, np.inf)
    return half, half.min(axis=0)


class ElkanBounds:
    """Upper bound per sample and lower bound per (centre, sample).

    Lower bounds are stored as ``(n_clusters, n_samples)`` so that reductions
    over centres run along contiguous rows, and offset by the cumulative shift
    of each centre: widening every bound after the centres move is then an
    ``O(n_clusters)`` update instead of a pass over the whole array.
    """

    def __init__(self, X, centers):
        n_samples, n_clusters = X.shape[0], centers.shape[0]
        self.x_sq = squared_norms(X)
        self.labels = np.empty(n_samples, dtype=np.int32)
        self.upper = np.empty(n_samples, dtype=np.float64)
        self.lower = np.empty((n_clusters, n_samples), dtype=np.float64)
        self.offset = np.zeros(n_clusters, dtype=np.float64)
        # Hamerly's single bound on the distance to the second-closest centre:
        # an O(n_samples) pre-filter before the per-centre bounds are read.
        self.second = np.empty(n_samples, dtype=np.float64)
        self.recompute(X, centers, np.arange(n_samples))

    def recompute(self, X, centers, rows):
        """Exact distance rows for samples ``rows``: labels and both bounds."""
        minus_two_centers_t, centers_sq = prepare_centers(centers)
        step = chunk_size(rows.size, centers.shape[0], X.shape[1], X.dtype.itemsize)
        for part in iter_chunks(rows.size, step):
            idx = rows[part]
            block = partial_distances(X[idx], minus_two_centers_t, centers_sq)
            block += self.x_sq[idx, None]
            np.maximum(block, 0.0, out=block)
            best = np.argmin(block, axis=1)
            np.sqrt(block, out=block)
            self.labels[idx] = best
            self.lower[:, idx] = block.T + self.offset[:, None]
            self.upper[idx] = block[np.arange(idx.size), best]
            if block.shape[1] > 1:
                self.second[idx] = np.partition(block, 1, axis=1)[:, 1]
            else:
                self.second[idx] = np.inf

    def shift(self, shift):
        """Widen the bounds after centre ``j`` moved by ``shift[j]``."""
        self.upper += shift[self.labels]
        self.offset += shift
        self.second -= shift.max()

    def unsure(self, candidates, half):
        """Subset of ``candidates`` whose label the bounds cannot prove."""
        bound = self.lower[:, candidates]
        bound -= self.offset[:, None]
        np.maximum(bound, half[:, self.labels[candidates]], out=bound)
        return candidates[bound.min(axis=0) < self.upper[candidates]]

    def assign(self, X, centers):
        """Bounded E-step: update labels and bounds for the new ``centers``."""
        half, nearest_other = _center_half_distances(centers)
        threshold = np.maximum(nearest_other[self.labels], self.second)
        candidates = np.flatnonzero(self.upper > threshold)
        if candidates.size:
            candidates = self.unsure(candidates, half)
        # Rows the bounds cannot settle get all their distances recomputed at
        # once (one matrix product); tightening the upper bound first would
        # cost nearly as much as recomputing the row.
        if candidates.size:
            self.recompute(X, centers, candidates)


@single_threaded_blas
def kmeans_single_elkan(
    X, sample_weight, centers_init, max_iter=300, verbose=False, tol=1e-4
):
    """One run of Elkan's algorithm from ``centers_init`` (same output as Lloyd).

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype=int32
    inertia : float
    centers : ndarray of shape (n_clusters, n_features)
    n_iter : int
    """
    n_clusters = centers_init.shape[0]
    centers = np.array(centers_init, dtype=X.dtype, copy=True)
    bounds = ElkanBounds(X, centers)
    labels = bounds.labels
    labels_old = np.full(X.shape[0], -1, dtype=np.int32)
    sums = ClusterSums(X, sample_weight, n_clusters)
    strict_convergence = False
    for i in range(max_iter):
        if i > 0:
            bounds.assign(X, centers)
        sums.update(labels_old, labels)
        centers_new = sums.centers(centers, labels, X.dtype)
        if verbose:
            print(
                f"Iteration {i}, inertia {inertia(X, sample_weight, centers, labels)}"
            )
        shift = np.sqrt(((centers_new - centers) ** 2).sum(axis=1, dtype=np.float64))
        bounds.shift(shift)
        centers = centers_new
        if np.array_equal(labels, labels_old):
            strict_convergence = True
            if verbose:
                print(f"Converged at iteration {i}: strict convergence.")
            break
        shift_total = float((shift**2).sum())
        if shift_total <= tol:
            if verbose:
                print(
                    f"Converged at iteration {i}: center shift {shift_total} "
                    f"within tolerance {tol}."
                )
            break
        labels_old[:] = labels
    if not strict_convergence:
        bounds.assign(X, centers)
    return labels, inertia(X, sample_weight, centers, labels), centers, i + 1
