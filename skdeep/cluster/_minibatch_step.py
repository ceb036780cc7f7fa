"""The mini-batch k-means update and its early-stopping monitor."""

from __future__ import annotations

import numpy as np

from ..utils._indexing import take_rows
from ._k_means_common import labels_inertia
from ._k_means_sums import weighted_sums


def mini_batch_step(
    X,
    sample_weight,
    centers,
    counts,
    random_state,
    random_reassign=False,
    reassignment_ratio=0.01,
    verbose=False,
    indicator=None,
):
    """One mini-batch update; returns ``(new_centers, new_counts, inertia)``.

    Each centre moves to the running weighted mean of every sample ever
    assigned to it (``counts`` holds the accumulated weights), so the step size
    of a centre shrinks as it absorbs more samples.  Nothing is modified in
    place.  ``indicator``, a :class:`ReusedIndicator`, saves rebuilding the
    sparse matrix of the cluster sums at every step of a fit.
    """
    n_clusters = centers.shape[0]
    labels, inertia = labels_inertia(X, sample_weight, centers)
    batch_weight = np.bincount(labels, weights=sample_weight, minlength=n_clusters)
    if indicator is None:
        batch_sums = weighted_sums(X, labels, sample_weight, n_clusters)
    else:
        batch_sums = indicator.sums(X, labels, sample_weight)
    new_counts = counts + batch_weight.astype(counts.dtype)
    # Every row by whole-array passes (the same elementwise operations as on
    # the hit rows alone, so the same floats), then the centres that got no
    # sample are copied back exactly.
    with np.errstate(divide="ignore", invalid="ignore"):
        new_centers = centers * counts[:, None]
        new_centers += batch_sums
        new_centers /= new_counts[:, None]
    missed = batch_weight <= 0
    if missed.any():
        new_centers[missed] = centers[missed]
    if random_reassign and reassignment_ratio > 0:
        _reassign_small_clusters(
            X, new_centers, new_counts, random_state, reassignment_ratio, verbose
        )
    return new_centers, new_counts, inertia


def inverse_cdf(cdf, draws, uniform):
    """``cdf.searchsorted(draws, "right")``: the sampled rows for ``draws`` in [0, 1).

    ``cdf`` is the normalised cumulative weight (last entry exactly 1).  With
    equal weights, ``cdf[i]`` is ``(i + 1) / n`` up to rounding far below
    ``1 / n``, so ``floor(draw * n)`` is the answer or a neighbour of it; the
    guess is corrected until ``cdf[i - 1] <= draw < cdf[i]`` holds, which
    gives the binary search's result exactly at a tenth of its cost (random
    keys make every search miss the caches and branch predictors).
    """
    if not uniform:
        return cdf.searchsorted(draws, "right")
    n = cdf.shape[0]
    index = np.minimum((draws * n).astype(np.intp), n - 1)
    while True:
        right = cdf[index] <= draws
        left = (index > 0) & (cdf[index - 1] > draws)
        if not (right.any() or left.any()):
            return index
        index += right
        index -= left


def _reassign_small_clusters(X, centers, counts, random_state, ratio, verbose):
    """Move centres with tiny accumulated weight onto random batch samples."""
    to_reassign = counts < ratio * counts.max()
    half_batch = int(0.5 * X.shape[0])
    if to_reassign.sum() > 0.5 * X.shape[0]:
        # Never reassign more than half the batch: keep the heaviest ones.
        to_reassign[np.argsort(counts)[half_batch:]] = False
    n_reassigns = int(to_reassign.sum())
    if n_reassigns:
        picked = random_state.choice(X.shape[0], replace=False, size=n_reassigns)
        if verbose:
            print(f"[MiniBatchKMeans] Reassigning {n_reassigns} cluster centers.")
        rows = take_rows(X, picked)
        centers[to_reassign] = rows.toarray() if hasattr(rows, "toarray") else rows
    # Give reassigned centres a modest count so they are not reassigned at once.
    counts[to_reassign] = np.min(counts[~to_reassign])


class InertiaMonitor:
    """Early stopping on the exponentially weighted average of batch inertia."""

    def __init__(self, estimator, n_samples, batch_size, tol):
        self.estimator, self.n_samples = estimator, n_samples
        self.batch_size, self.tol = batch_size, tol
        self.ewa_inertia = self.ewa_inertia_min = None
        self.no_improvement = 0

    def converged(self, step, n_steps, centers_squared_diff, batch_inertia):
        batch_inertia /= self.batch_size
        verbose = self.estimator.verbose
        step += 1
        if step == 1:  # inertia of the initial centres: nothing to compare yet
            if verbose:
                print(
                    f"Minibatch step {step}/{n_steps}: mean batch inertia: "
                    f"{batch_inertia}"
                )
            return False
        if self.ewa_inertia is None:
            self.ewa_inertia = batch_inertia
        else:
            alpha = min(self.batch_size * 2.0 / (self.n_samples + 1), 1)
            self.ewa_inertia = self.ewa_inertia * (1 - alpha) + batch_inertia * alpha
        if verbose:
            print(
                f"Minibatch step {step}/{n_steps}: mean batch inertia: "
                f"{batch_inertia}, ewa inertia: {self.ewa_inertia}"
            )
        if self.tol > 0.0 and centers_squared_diff <= self.tol:
            if verbose:
                print(f"Converged (small centers change) at step {step}/{n_steps}")
            return True
        if self.ewa_inertia_min is None or self.ewa_inertia < self.ewa_inertia_min:
            self.no_improvement = 0
            self.ewa_inertia_min = self.ewa_inertia
        else:
            self.no_improvement += 1
        patience = self.estimator.max_no_improvement
        if patience is not None and self.no_improvement >= patience:
            if verbose:
                print(
                    "Converged (lack of improvement in inertia) at step "
                    f"{step}/{n_steps}"
                )
            return True
        return False
