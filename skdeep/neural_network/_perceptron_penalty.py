"""Penalty bookkeeping of the exact perceptron kernel.

* :class:`L1Truncation`: the L1 part of ``'l1'``/``'elasticnet'``, scikit-learn's
  cumulative truncated gradient, applied to the whole weight vector after each
  window of samples.
* :func:`sum_sq_norms`: the summed ``||w||^2`` of a window, for the
  objective that scikit-learn's stopping rule watches.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["L1Truncation", "penalty_sum", "sum_sq_norms"]


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
    alpha, l1_ratio = penalty
    sq = sum_sq_norms(window, coef, intercept, updates, visited, shrink, step)
    # The L1 part is applied per window (see L1Truncation): use its norm there.
    l1_norm = np.abs(coef).sum(axis=1) * updates.shape[1]
    return alpha * ((1.0 - l1_ratio) * 0.5 * sq + l1_ratio * l1_norm)
