"""k-means iterations (Lloyd and Elkan) and the running cluster sums."""

from __future__ import annotations

import numpy as np

from ._k_means_common import inertia, single_threaded_blas
from ._k_means_sums import (
    ReusedIndicator,
    average_centers,
    indicator_product,
    relocate_empty_clusters,
    weighted_sums,
)
from ._kmeans_bounds import ElkanBounds, FullPassLabels, HamerlyBounds

# When more than this fraction of the samples changed cluster, recomputing the
# cluster sums from scratch is cheaper than patching them.
_FULL_UPDATE_FRACTION = 0.2
# Up to this many (sample, centre) pairs recomputing every distance beats
# keeping bounds, whose fixed cost per iteration dominates on small data.
SMALL_PROBLEM_SIZE = 2**17


class ClusterSums:
    """Running per-cluster weighted sums kept consistent with a labeling.

    Sums are accumulated in float64 so that incremental updates (adding the
    samples that moved in, removing those that moved out) do not drift, which
    makes an iteration cost one distance pass plus work proportional to the
    number of samples that changed cluster.
    """

    def __init__(self, X, sample_weight, n_clusters, patch=True):
        self.X = X
        self.sample_weight = sample_weight
        self.n_clusters = n_clusters
        self.sums = np.zeros((n_clusters, X.shape[1]), dtype=np.float64)
        # On small data a fresh sum costs less than gathering the moved rows,
        # through one indicator matrix rewritten in place for the whole run
        # (building a sparse matrix per iteration costs more than the product).
        self.patch = patch
        if not patch:
            self._indicator = ReusedIndicator(X.shape[0], n_clusters)

    def recompute(self, labels):
        """Rebuild the sums of every cluster from ``labels``."""
        if self.patch:
            self.sums[:] = weighted_sums(
                self.X, labels, self.sample_weight, self.n_clusters
            )
            return
        self.sums[:] = self._indicator.sums(self.X, labels, self.sample_weight)

    def move(self, moved, old_labels, new_labels):
        """Update the sums for samples ``moved`` going from old to new labels."""
        if moved.size == 0:
            return
        weight = self.sample_weight[moved].astype(np.float64)
        # Two entries per moved sample: +w in its new cluster, -w in its old one.
        clusters = np.column_stack([new_labels, old_labels]).ravel()
        weights = np.column_stack([weight, -weight]).ravel()
        self.sums += indicator_product(
            self.X[moved], clusters, weights, self.n_clusters
        )

    def update(self, labels_old, labels_new):
        """Bring the sums from ``labels_old`` to ``labels_new`` the cheap way."""
        if not self.patch:
            self.recompute(labels_new)
            return
        moved = np.flatnonzero(labels_old != labels_new)
        if labels_old[0] < 0 or moved.size > _FULL_UPDATE_FRACTION * labels_new.size:
            self.recompute(labels_new)
        else:
            self.move(moved, labels_old[moved], labels_new[moved])

    def centers(self, centers_old, labels, dtype):
        """New centres (empty clusters relocated as in scikit-learn)."""
        # Cluster weights are cheap to recount exactly, unlike the sums.
        weights = np.bincount(
            labels, weights=self.sample_weight, minlength=self.n_clusters
        )
        sums = self.sums.copy()  # the running sums must keep matching labels
        relocate_empty_clusters(
            self.X, self.sample_weight, centers_old, sums, weights, labels
        )
        return average_centers(sums, weights).astype(dtype, copy=False)


def _run(bounds_class, X, sample_weight, centers_init, max_iter, verbose, tol):
    """k-means iterations from ``centers_init`` with the given bound keeper."""
    n_clusters = centers_init.shape[0]
    centers = np.array(centers_init, dtype=X.dtype, copy=True)
    small = X.shape[0] * n_clusters <= SMALL_PROBLEM_SIZE
    bounds = (FullPassLabels if small else bounds_class)(X, centers)
    labels = bounds.labels
    labels_old = np.full(X.shape[0], -1, dtype=np.int32)
    sums = ClusterSums(X, sample_weight, n_clusters, patch=not small)
    strict_convergence = False
    for i in range(max_iter):
        if i > 0:
            bounds.assign(centers)
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
        # A last E-step so that the labels match the returned centres.
        bounds.assign(centers)
    return labels, inertia(X, sample_weight, centers, labels), centers, i + 1


@single_threaded_blas
def kmeans_single_lloyd(
    X, sample_weight, centers_init, max_iter=300, verbose=False, tol=1e-4
):
    """One run of Lloyd's algorithm from ``centers_init``.

    Every iteration assigns each sample to its closest centre and moves each
    centre to the mean of its samples.  Hamerly's two bounds per sample skip
    the distance rows that provably cannot change the label, so the result is
    that of plain Lloyd iterations at a fraction of the cost.

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype=int32
    inertia : float
    centers : ndarray of shape (n_clusters, n_features)
    n_iter : int
    """
    return _run(HamerlyBounds, X, sample_weight, centers_init, max_iter, verbose, tol)


@single_threaded_blas
def kmeans_single_elkan(
    X, sample_weight, centers_init, max_iter=300, verbose=False, tol=1e-4
):
    """One run of Elkan's algorithm: Lloyd's result with per-centre bounds.

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype=int32
    inertia : float
    centers : ndarray of shape (n_clusters, n_features)
    n_iter : int
    """
    return _run(ElkanBounds, X, sample_weight, centers_init, max_iter, verbose, tol)
