"""Vectorised k-means kernels shared by Lloyd, Elkan and mini-batch k-means.

Squared distances use the expansion ``||x||² - 2 x·c + ||c||²`` so that the
heavy lifting is one BLAS matrix product per chunk of samples (the per-cluster
sums live in :mod:`._k_means_sums`).  Chunks keep the
``(chunk, n_clusters)`` blocks small enough to stay in cache and bound memory.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import row_norms
from sklearn.utils.sparsefuncs import mean_variance_axis

from ..utils._indexing import take_rows
from ..utils._segments import segment_owners
from ..utils._threads import blas_controller, usable_threads
from ._k_means_scan import first_argmin, scan_by_centre, scan_part_rows

# Bytes allowed for one (chunk, n_clusters) block of distances; a few MiB keeps
# the block and the matching rows of X in the last-level cache.
_BLOCK_BYTES = 2**21
_MIN_CHUNK = 256
# Work (rows x (features + clusters)) below which a distance pass is not
# worth splitting: waking a thread costs about as much as a pass of this size.
MIN_WORK_PER_THREAD = 100_000


@functools.cache
def _thread_pool(n_workers, pid):
    # Keyed by process id: a forked child must not reuse the parent's pool,
    # whose threads do not exist in the child.
    return ThreadPoolExecutor(n_workers, thread_name_prefix="skdeep-kmeans")


def run_in_row_parts(func, n_rows, work_per_row, min_part_rows=None):
    """Call ``func(part)`` on contiguous slices covering ``range(n_rows)``.

    With several cores and enough work (``n_rows * work_per_row``) the parts
    run in parallel threads (numpy and single-threaded BLAS release the GIL);
    ``func`` must only write the rows of its own part, of at least
    ``min_part_rows`` rows (default 256).  Each row is computed the same way
    whatever the split, so results do not depend on the number of threads.
    """
    min_part_rows = min_part_rows or _MIN_CHUNK
    n_parts = min(n_rows * work_per_row // MIN_WORK_PER_THREAD, n_rows // min_part_rows)
    if n_parts > 1:
        n_parts = min(usable_threads(), n_parts)
    if n_parts <= 1:
        func(slice(0, n_rows))
        return
    edges = np.linspace(0, n_rows, n_parts + 1).astype(int)
    parts = [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]
    pool = _thread_pool(n_parts - 1, os.getpid())
    futures = [pool.submit(func, part) for part in parts[1:]]
    try:
        func(parts[0])
    finally:
        for future in futures:
            future.result()


def single_threaded_blas(func):
    """Run ``func`` with BLAS limited to one thread.

    Our matrix products are tall and thin (chunk x n_features x n_clusters):
    BLAS threads gain little on them and, when the machine is busy, their
    spin-waiting makes each product an order of magnitude slower.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with blas_controller().limit(limits=1):
            return func(*args, **kwargs)

    return wrapper


def chunk_size(n_samples: int, n_clusters: int, n_features: int, itemsize: int) -> int:
    """Rows per chunk so that a distance block and its rows of X stay small."""
    width = max(n_clusters, n_features, 1)
    rows = _BLOCK_BYTES // (itemsize * width)
    return int(max(_MIN_CHUNK, min(n_samples, rows)))


def row_width(X) -> int:
    """Stored entries per row of ``X``, as :func:`chunk_size` should count them.

    A dense row holds every feature; a sparse row only its stored entries
    (sized by the width, 500-feature CSR rows made 38 scipy slices a pass
    where 1 suffices).
    """
    if sp.issparse(X):
        return max(1, X.nnz // max(X.shape[0], 1))
    return X.shape[1]


def iter_chunks(n_samples: int, n_clusters: int, n_features: int, itemsize: int):
    """Yield ``slice`` objects covering ``range(n_samples)`` in memory-bounded steps.

    The step is :func:`chunk_size`, so every ``(chunk, n_clusters)`` distance
    block of every k-means pass is bounded the same way.
    """
    step = chunk_size(n_samples, n_clusters, n_features, itemsize)
    for start in range(0, n_samples, step):
        yield slice(start, min(start + step, n_samples))


# Up to this size (cache-resident data) a transposed copy of dense X pays for
# itself within one or two passes; on larger data the products are bound by
# memory traffic in either layout and the copy would be pure cost.
_TRANSPOSED_MAX_BYTES = 2**20


def transposed_copy(X):
    """C-contiguous ``X.T`` for small dense ``X``, else None.

    Products with few centres or candidates, ``rows @ X_t``, run about three
    times faster in this layout than ``X @ rows.T`` (19 against 56 us for
    4 rows of digits): BLAS gets the long sample axis as its contiguous
    dimension, and the elementwise passes that follow run along rows
    instead of a short axis.
    """
    if sp.issparse(X) or X.nbytes > _TRANSPOSED_MAX_BYTES:
        return None
    return np.ascontiguousarray(X.T)


def squared_norms(X) -> np.ndarray:
    """Squared Euclidean norm of each row of a dense or CSR matrix."""
    if sp.issparse(X):
        return row_norms(X, squared=True)
    return np.einsum("ij,ij->i", X, X)


def centre_rows(X_chunk, minus_two_centers_t):
    """``-2 C @ X_chunk.T``, C-contiguous with one row per centre.

    Sparse rows take scipy's sparse-times-dense product and one transposed
    copy (small: this layout serves few centres).
    """
    if sp.issparse(X_chunk):
        return np.ascontiguousarray((X_chunk @ minus_two_centers_t).T)
    return minus_two_centers_t.T @ X_chunk.T


def closest_centres(X_chunk, prepared, out, by_centre):
    """Closest-centre labels of a chunk into ``out`` (``prepared`` as given
    by :func:`prepare_centers`; ``by_centre`` from :func:`scan_by_centre`)."""
    minus_two_centers_t, centers_sq = prepared
    if by_centre:
        block_t = centre_rows(X_chunk, minus_two_centers_t)
        block_t += centers_sq[:, None]
        first_argmin(block_t, out)
    else:
        block = partial_distances(X_chunk, minus_two_centers_t, centers_sq)
        np.argmin(block, axis=1, out=out)


def partial_distances(X_chunk, minus_two_centers_t, centers_sq_norms, out=None):
    """``-2 x·c + ||c||²`` for a chunk (the ``||x||²`` term is added by callers).

    The argmin over centres does not depend on ``||x||²``, so leaving it out
    saves one pass over the block.
    """
    if sp.issparse(X_chunk):
        block = np.asarray(X_chunk @ minus_two_centers_t)
    else:
        block = np.matmul(X_chunk, minus_two_centers_t, out=out)
    block += centers_sq_norms
    return block


def prepare_centers(centers):
    """Return ``(-2 C).T`` (C-contiguous) and ``||c||²`` for the distance kernel."""
    # One pass writing the scaled transpose (a scaled copy then a transposed
    # copy cost ten times more on wide centres: 20 x 20000, 3.6 against 0.3 ms).
    minus_two_centers_t = np.empty(centers.shape[::-1], dtype=centers.dtype)
    np.multiply(centers.T, -2.0, out=minus_two_centers_t)
    return minus_two_centers_t, squared_norms(centers)


def exact_sq_dist_to_assigned(X, centers, labels, centers_sq=None):
    """Exact squared distance of each row of ``X`` to ``centers[labels]``.

    Computed from differences (dense) or from the sparse dot product, never
    from a full ``(n_samples, n_clusters)`` block.  ``centers_sq``, the
    centres' squared norms when already at hand, saves a pass over the
    centres on sparse data.
    """
    if sp.issparse(X):
        # Only the stored entries meet the centre: ``sum over them of (x - c)^2
        # - c^2``, plus ``||c||^2``, in O(nnz) (no dense copy of the centres).
        X = X.tocsr()
        row_of = segment_owners(X.indptr)
        # A flat ``take`` gathers twice as fast as two-array fancy indexing.
        flat_index = labels[row_of] * centers.shape[1]
        flat_index += X.indices
        met = centers.ravel().take(flat_index)
        per_entry = (X.data - met) ** 2 - met**2
        dist = np.bincount(row_of, weights=per_entry, minlength=X.shape[0])
        dist = dist.astype(np.float64, copy=False)  # int64 when X stores nothing
        dist += (squared_norms(centers) if centers_sq is None else centers_sq)[labels]
        return np.maximum(dist, 0.0, out=dist).astype(centers.dtype, copy=False)
    # ``take`` then an in-place subtraction: one temporary instead of two
    # (fancy indexing plus the difference), several times faster.
    diff = centers.take(labels, axis=0)
    np.subtract(X, diff, out=diff)
    return np.einsum("ij,ij->i", diff, diff)


def inertia(X, sample_weight, centers, labels, centers_sq=None) -> float:
    """Weighted sum of squared distances of samples to their assigned centre."""
    n_samples = X.shape[0]
    if sp.issparse(X):  # O(nnz) memory: no chunks needed
        dist = exact_sq_dist_to_assigned(X, centers, labels, centers_sq)
        return float(dist @ sample_weight)
    total = 0.0
    for rows in iter_chunks(n_samples, 1, X.shape[1], centers.dtype.itemsize):
        dist = exact_sq_dist_to_assigned(X[rows], centers, labels[rows])
        total += float(dist @ sample_weight[rows])
    return total


@single_threaded_blas
def labels_inertia(X, sample_weight, centers, return_inertia=True):
    """Assign each sample to its closest centre (the E-step).

    Parameters
    ----------
    X : {ndarray, CSR matrix} of shape (n_samples, n_features)
    sample_weight : ndarray of shape (n_samples,)
    centers : ndarray of shape (n_clusters, n_features)
    return_inertia : bool, default=True

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype=int32
    inertia : float
        Only when ``return_inertia`` is True.
    """
    n_samples = X.shape[0]
    labels = np.empty(n_samples, dtype=np.int32)
    prepared = prepare_centers(centers)
    n_clusters, n_features = centers.shape
    by_centre = scan_by_centre(X, n_clusters)
    width = row_width(X)
    # Dense rows also get their distance to the chosen centre while the chunk
    # is in cache, on the same threads; the weighted sum runs once at the end
    # (in float64), so it does not depend on the split into threads.
    dist = None
    if return_inertia and not sp.issparse(X):
        dist = np.empty(n_samples, dtype=np.float64)

    def assign(part):
        n_part = part.stop - part.start
        for sub in iter_chunks(n_part, n_clusters, width, centers.dtype.itemsize):
            rows = slice(part.start + sub.start, part.start + sub.stop)
            block = take_rows(X, rows)  # no copy of a whole sparse X
            closest_centres(block, prepared, labels[rows], by_centre)
            if dist is not None:
                dist[rows] = exact_sq_dist_to_assigned(block, centers, labels[rows])

    run_in_row_parts(
        assign,
        n_samples,
        n_clusters + n_features * (1 + (dist is not None)),
        scan_part_rows(n_clusters, n_features) if by_centre else None,
    )
    if not return_inertia:
        return labels
    if dist is None:
        return labels, inertia(X, sample_weight, centers, labels, prepared[1])
    return labels, float(dist @ sample_weight.astype(np.float64, copy=False))


def tolerance(X, tol: float, centered: bool = False) -> float:
    """Absolute tolerance: ``tol`` times the mean per-feature variance of X.

    ``centered`` says that dense ``X`` already has zero column means: the
    mean variance is then ``||X||_F^2 / X.size``, one BLAS dot product
    (15 against 180 us for ``np.var`` on digits).
    """
    if tol == 0:
        return 0.0
    if sp.issparse(X):
        # Accumulates in float64 and centres each column: no cancellation.
        variances = mean_variance_axis(X.tocsr(), axis=0)[1]
    elif centered:
        flat = X.ravel()
        return float(flat @ flat) / X.size * tol
    elif X.dtype == np.float64 and X.shape[1] <= 16:
        # numpy's reductions down the sample axis pay per row when rows are
        # short; matrix-vector products with a vector of ones do the same
        # two-pass sums at BLAS speed (5x faster with 2 features).
        ones = np.ones(X.shape[0])
        centered_X = X - (ones @ X) / X.shape[0]
        centered_X *= centered_X
        variances = (ones @ centered_X) / X.shape[0]
    else:
        variances = np.var(X, axis=0)
    return float(np.mean(variances) * tol)
