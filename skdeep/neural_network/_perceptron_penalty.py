"""Penalty bookkeeping of the exact perceptron kernel.

* :class:`L1Truncation`: the L1 part of ``'l1'``/``'elasticnet'``, scikit-learn's
  cumulative truncated gradient, applied to the whole weight vector after each
  window of samples.
* :func:`sum_sq_norms`: the summed ``||w||^2`` of a window, for the
  objective that scikit-learn's stopping rule watches.
* :class:`SupportNorms`: the norms that objective uses on sparse input, which
  scikit-learn tracks differently (see there).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import scipy.sparse as sp

from ..utils._segments import gather_ranges, gather_segments

__all__ = ["L1Truncation", "SupportNorms", "penalty_sum", "sum_sq_norms"]


class L1Truncation:
    """Cumulative L1 penalty with truncation at zero (Tsuruoka et al., 2009).

    ``total`` is the L1 penalty every weight should have received so far and
    ``applied`` (per weight, signed) what it actually received; a weight is
    moved towards zero by the difference, never across it.

    Parameters
    ----------
    shape : tuple of int
        Shape of the coefficient array, ``(n_problems, n_features)``.
    step : float
        L1 penalty per trained sample, ``l1_ratio * eta0 * alpha``.
    dtype : dtype
        Dtype of the coefficients.
    """

    def __init__(self, shape, step, dtype):
        self.step = step
        self.total = 0.0
        self.applied = np.zeros(shape, dtype=dtype)
        self.rows = slice(None)

    def apply(self, coef, n_samples):
        """Add the penalty of ``n_samples`` samples to ``coef`` (in place).

        ``coef`` holds the rows ``self.rows`` of the full coefficient array.
        """
        self.total += self.step * n_samples
        rows = self.rows
        applied = self.applied[rows]
        before = coef.copy()
        positive, negative = coef > 0, coef < 0
        coef[positive] = np.maximum(0.0, (coef - (self.total + applied))[positive])
        coef[negative] = np.minimum(0.0, (coef + (self.total - applied))[negative])
        applied += coef - before
        self.applied[rows] = applied


def sum_sq_norms(window, coef, intercept, updates, decisions, shrink, intercept_step):
    """Sum over the window's samples of ``||w||^2`` at each visit, per problem.

    Between mistakes ``||w||^2`` shrinks by ``shrink ** 2`` per sample; a
    mistake at j adds ``2 shrink u_j (w_j @ x_j) + u_j^2 ||x_j||^2``.  The
    recurrence is linear, so its sum over the window is a geometric closed form.
    """
    length = updates.shape[1]
    geometric = _geometric_sums(shrink * shrink, length)
    total = np.einsum("ij,ij->i", coef, coef) * geometric[length]
    touched = np.flatnonzero(updates.any(axis=0))
    if touched.size:
        earlier = np.cumsum(updates, axis=1) - updates
        w_dot_x = decisions[:, touched] - intercept[:, None]
        w_dot_x -= intercept_step * earlier[:, touched]
        u = updates[:, touched]
        jump = 2.0 * shrink * u * w_dot_x + u**2 * window.squared_norms(touched)
        total += jump @ geometric[length - 1 - touched]
    return total


@functools.lru_cache(maxsize=64)
def _geometric_sums(ratio, length):
    """``[0, 1, 1 + r, 1 + r + r^2, ...]`` (``length + 1`` partial sums), read-only.

    Windows recur with a few lengths: cached, the sums cost nothing per window.
    """
    sums = np.cumsum(np.concatenate([[0.0], ratio ** np.arange(length)]))
    sums.flags.writeable = False
    return sums


def penalty_sum(penalty, window, coef, intercept, updates, visited, shrink, step):
    """The penalty term of the objective, summed over the window's visits."""
    if isinstance(penalty, SupportNorms):
        return penalty.window_penalty(window.X, coef, updates, shrink)
    alpha, l1_ratio = penalty
    sq = sum_sq_norms(window, coef, intercept, updates, visited, shrink, step)
    if not l1_ratio:
        return alpha * 0.5 * sq
    # The L1 part is applied per window (see L1Truncation): use its norm there.
    l1_norm = np.abs(coef).sum(axis=1) * updates.shape[1]
    return alpha * ((1.0 - l1_ratio) * 0.5 * sq + l1_ratio * l1_norm)


class SupportNorms:
    """The weight norms of scikit-learn's objective on sparse input.

    scikit-learn keeps ``||w||^2`` and ``||w||_1`` as running numbers: each
    sample's L2 shrinkage scales them (by ``c^2`` and ``c``), and each update
    *resets* them to the norms of the updated weights over the features the
    sample stores.  On dense input a sample stores every feature, so these are
    the true norms (:func:`sum_sq_norms`); on sparse input they are norms over
    the last mistake's support, usually far below the true ones.  The
    objective that decides when training stops uses them, so skdeep tracks
    the same numbers on sparse input and stops after the same epochs.  They
    start at the true norms of the initial weights on every ``fit`` and
    ``partial_fit`` call, as scikit-learn's do.

    Parameters
    ----------
    coef : ndarray of shape (n_problems, n_features)
        The initial weights.
    penalty : tuple of (float, float)
        ``(alpha, l1_ratio)``.
    """

    def __init__(self, coef, penalty):
        self.alpha, self.l1_ratio = penalty
        self.sq = np.einsum("ij,ij->i", coef, coef)
        self.l1 = np.abs(coef).sum(axis=1)
        self.rows = slice(None)

    def window_penalty(self, X, coef, updates, shrink):
        """The window's summed penalty term (rows ``self.rows``); advances the norms.

        ``X`` holds the window's rows (CSR, or dense with zeros where nothing
        is stored), ``coef`` the weights at the window start and ``updates``
        the update at each mistake (0 elsewhere).
        """
        length = updates.shape[1]
        problem, visit = np.nonzero(updates)
        resets = _support_norms(
            X, coef, updates[problem, visit], problem, visit, shrink
        )
        total = np.zeros(coef.shape[0])
        tracked = ((self.sq, shrink * shrink, 0.5 * (1.0 - self.l1_ratio)),)
        if self.l1_ratio:
            tracked += ((self.l1, shrink, self.l1_ratio),)
        for (state, ratio, share), reset in zip(tracked, resets):
            window_sum, state[self.rows] = _tracked_sum(
                state[self.rows], reset, problem, visit, ratio, length
            )
            total += share * window_sum
        return self.alpha * total


def _support_norms(X, coef, updates, problem, visit, shrink):
    """``||w||^2`` and ``||w||_1`` over each mistake's stored features, just after it.

    After the mistake at visit ``k`` the weights are ``c^(k+1) w_0 +
    sum_{i <= k} u_i c^(k-i) x_i`` (``c`` the shrinkage).  Per problem and
    feature, every stored entry of a mistaken row is paired with the entries
    of that feature at the problem's mistakes up to it (``c`` only to
    non-negative powers, so nothing overflows).
    """
    n_mistakes = visit.shape[0]
    if n_mistakes == 0:
        return np.zeros(0), np.zeros(0)
    if not sp.issparse(X) and _dense_fits(problem, visit, X.shape[1], shrink):
        return _support_norms_dense(X, coef, updates, problem, visit, shrink)
    if sp.issparse(X):
        entries, owner = gather_segments(X.indptr, visit)
        features, values = X.indices[entries], X.data[entries]
    else:
        owner, features = np.nonzero(X[visit])
        values = X[visit[owner], features]
    if owner.shape[0] == 0:  # empty rows: norms over no feature
        return np.zeros(n_mistakes), np.zeros(n_mistakes)
    key = problem[owner] * X.shape[1] + features
    order = np.argsort(key, kind="stable")  # by group, then by visit
    owner, features, key = owner[order], features[order], key[order]
    steps = updates[owner] * values[order]
    at = visit[owner]
    n = key.shape[0]
    group_start = np.arange(n)
    group_start[1:][key[1:] == key[:-1]] = 0
    np.maximum.accumulate(group_start, out=group_start)
    # Each entry with its group's entries up to itself.
    earlier, later = gather_ranges(group_start, np.arange(n) - group_start + 1)
    powers = shrink ** np.arange(visit.max() + 2, dtype=float)
    weight = np.bincount(
        later, weights=steps[earlier] * powers[at[later] - at[earlier]], minlength=n
    )
    weight += coef[problem[owner], features] * powers[at + 1]
    return (
        np.bincount(owner, weights=weight * weight, minlength=n_mistakes),
        np.bincount(owner, weights=np.abs(weight), minlength=n_mistakes),
    )


# The dense route keeps one (problems, mistakes, features) array: at most
# this many entries, and shrink ** -visit at most exp(_MAX_LOG_SCALE).
_DENSE_MAX_ENTRIES = 1 << 20
_MAX_LOG_SCALE = 50.0


def _dense_fits(problem, visit, n_features, shrink):
    """Whether :func:`_support_norms_dense` may serve a (densified) window."""
    most = np.bincount(problem).max()
    if most * (problem.max() + 1) * n_features > _DENSE_MAX_ENTRIES:
        return False
    return shrink == 1.0 or (
        shrink > 0.0 and visit.max() * -math.log(shrink) <= _MAX_LOG_SCALE
    )


def _support_norms_dense(X, coef, updates, problem, visit, shrink):
    """:func:`_support_norms` for a dense window (sparse input with few features).

    The updates of each problem's mistakes, scaled by ``c^-k``, are summed
    along the mistakes per feature (one cumulative sum, no pairing), and
    scaled back by ``c^k``: the rounding stays that of the plain running sum.
    """
    counts = np.bincount(problem)
    slot = gather_ranges(np.zeros_like(counts), counts)[0]  # rank in its problem
    rows = X[visit]
    moved = np.zeros((counts.shape[0], counts.max(), X.shape[1]))
    moved[problem, slot] = (updates * shrink ** -visit.astype(float))[:, None] * rows
    np.cumsum(moved, axis=1, out=moved)
    weight = moved[problem, slot] + shrink * coef[problem]
    weight *= (shrink ** visit.astype(float))[:, None]
    stored = rows != 0
    return (
        np.einsum("ij,ij->i", weight * weight, stored),
        np.einsum("ij,ij->i", np.abs(weight), stored),
    )


def _tracked_sum(start, reset, problem, visit, ratio, length):
    """Sum of a tracked norm over a window's visits, and its value after it.

    The norm is ``start`` at the first visit, is multiplied by ``ratio`` after
    every visit and becomes ``reset[i]`` after the ``i``-th mistake (at
    ``visit[i]`` of ``problem[i]``, sorted by problem then visit).
    """
    sums = _geometric_sums(ratio, length)
    n_problems = start.shape[0]
    counts = np.bincount(problem, minlength=n_problems)
    has = counts > 0
    first_visit = np.full(n_problems, length - 1)
    last = np.cumsum(counts) - 1
    first_visit[has] = visit[(last - counts + 1)[has]]
    total = start * sums[first_visit + 1]
    following = np.full(visit.shape[0], length - 1)
    same = problem[1:] == problem[:-1]
    following[:-1][same] = visit[1:][same]
    total += np.bincount(
        problem, weights=reset * sums[following - visit], minlength=n_problems
    )
    end = start * ratio**length
    end[has] = reset[last[has]] * ratio ** (length - 1 - visit[last[has]])
    return total, end
