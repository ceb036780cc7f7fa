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
    exact_sq_dist_to_assigned,
    inertia,
    iter_chunks,
    partial_distances,
    prepare_centers,
    single_threaded_blas,
    squared_norms,
)
from ._lloyd import ClusterSums


def _center_half_distances(centers):
    """Half the pairwise centre distances and, per centre, the smallest one."""
    sq = squared_norms(centers)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (centers @ centers.T)
    np.fill_diagonal(d2, 0.0)
    half = np.sqrt(np.maximum(d2, 0.0, out=d2), out=d2) / 2.0
    if centers.shape[0] == 1:
        return half, np.zeros(1, dtype=half.dtype)
    nearest_other = np.partition(half, kth=1, axis=0)[1]
    return half, nearest_other


def _recompute_rows(X, x_sq, centers, rows, labels, upper, lower):
    """Exact distance rows for samples ``rows``: refresh labels and both bounds."""
    minus_two_centers_t, centers_sq = prepare_centers(centers)
    step = chunk_size(rows.size, centers.shape[0], X.shape[1], X.dtype.itemsize)
    for part in iter_chunks(rows.size, step):
        idx = rows[part]
        block = partial_distances(X[idx], minus_two_centers_t, centers_sq)
        block += x_sq[idx, None]
        np.maximum(block, 0.0, out=block)
        best = np.argmin(block, axis=1)
        np.sqrt(block, out=block)
        labels[idx] = best
        lower[idx] = block
        upper[idx] = block[np.arange(idx.size), best]


def _rows_to_check(candidates, labels, upper, lower, half):
    """Subset of ``candidates`` whose label the bounds cannot prove unchanged."""
    own = labels[candidates]
    bound = upper[candidates, None]
    unsure = (bound > lower[candidates]) & (bound > half[own])
    unsure[np.arange(candidates.size), own] = False
    return candidates[unsure.any(axis=1)]


def elkan_assign(X, x_sq, centers, labels, upper, lower):
    """Bounded E-step: update ``labels``, ``upper`` and ``lower`` in place."""
    half, nearest_other = _center_half_distances(centers)
    candidates = np.flatnonzero(upper > nearest_other[labels])
    if candidates.size == 0:
        return
    candidates = _rows_to_check(candidates, labels, upper, lower, half)
    if candidates.size == 0:
        return
    # Tighten the upper bound with the exact distance before the expensive step.
    exact = np.sqrt(
        exact_sq_dist_to_assigned(X[candidates], centers, labels[candidates])
    )
    upper[candidates] = exact
    lower[candidates, labels[candidates]] = exact
    candidates = _rows_to_check(candidates, labels, upper, lower, half)
    if candidates.size:
        _recompute_rows(X, x_sq, centers, candidates, labels, upper, lower)


def _shift_bounds(upper, lower, labels, shift):
    """Widen the bounds after the centres moved by ``shift`` (per centre)."""
    upper += shift[labels]
    lower -= shift
    np.maximum(lower, 0.0, out=lower)


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
    n_samples, n_clusters = X.shape[0], centers_init.shape[0]
    centers = np.array(centers_init, dtype=X.dtype, copy=True)
    x_sq = squared_norms(X)
    labels = np.empty(n_samples, dtype=np.int32)
    upper = np.empty(n_samples, dtype=X.dtype)
    lower = np.empty((n_samples, n_clusters), dtype=X.dtype)
    _recompute_rows(X, x_sq, centers, np.arange(n_samples), labels, upper, lower)
    labels_old = np.full(n_samples, -1, dtype=np.int32)
    sums = ClusterSums(X, sample_weight, n_clusters)
    strict_convergence = False
    for i in range(max_iter):
        if i > 0:
            elkan_assign(X, x_sq, centers, labels, upper, lower)
        sums.update(labels_old, labels)
        centers_new = sums.centers(centers, labels, X.dtype)
        if verbose:
            print(
                f"Iteration {i}, inertia {inertia(X, sample_weight, centers, labels)}"
            )
        shift = np.sqrt(((centers_new - centers) ** 2).sum(axis=1))
        _shift_bounds(upper, lower, labels, shift.astype(X.dtype, copy=False))
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
        elkan_assign(X, x_sq, centers, labels, upper, lower)
    return labels, inertia(X, sample_weight, centers, labels), centers, i + 1
