"""Exact, vectorised epochs of the per-sample perceptron rule.

The classic perceptron visits the samples one at a time and, whenever a sample
is misclassified (margin ``y * (w @ x + b) <= 0``), adds ``eta * y * x`` to the
weights.  Written as a Python loop over samples this is hopelessly slow, and
it cannot be expressed as a mini-batch gradient step without changing the
result.  This module computes the *same* sequence of updates with array
operations:

* Between two mistakes the weights do not change (up to the L2 shrinkage, a
  scalar factor per sample), so the decisions of a whole *window* of upcoming
  samples are a single matrix product.
* The first mistake of the window is found with ``argmax`` over a boolean
  mask.  Its update changes every later decision of the window by
  ``u * (x_j @ x_k + 1)`` (times the shrinkage ``s ** (k - 1 - j)``), one row of
  the window's Gram matrix, so the scan continues without recomputing the
  window.
* One-vs-all problems are independent, so every class advances through the
  same window at once: one step resolves the next mistake of *every* class.
  The number of Python-level steps is the largest number of mistakes any
  class makes in a window, never the number of samples.
* The window length adapts: it grows while mistakes are rare (late epochs on
  separable data) and shrinks when they are frequent.

This is the perceptron rule itself, not a second generic training loop: the
mini-batch route (``batch_size > 1``) goes through :func:`skdeep.nn.train`.

The elastic-net/L1 part of the penalty is the cumulative truncated-gradient
rule of Tsuruoka et al. (2009) (as in scikit-learn), applied to all features
at the end of every window instead of after every sample; see
:class:`L1Truncation`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["L1Truncation", "WindowSizer", "perceptron_epoch"]


class WindowSizer:
    """Adaptive window length: aim at a fixed number of mistakes per window.

    Parameters
    ----------
    length : int, default=64
        Initial window length (samples).
    target_mistakes : int, default=12
        Desired number of mistakes of the worst problem per window.
    min_length, max_length : int, default=32, 1024
        Bounds of the window length.
    """

    def __init__(self, length=64, target_mistakes=12, min_length=32, max_length=1024):
        self.length = int(length)
        self.target_mistakes = target_mistakes
        self.min_length = min_length
        self.max_length = max_length

    def update(self, n_mistakes, window_length):
        """Resize after a window of ``window_length`` samples."""
        proposal = window_length * self.target_mistakes / max(n_mistakes, 0.5)
        # Geometric smoothing keeps one unlucky window from collapsing the size.
        smoothed = np.sqrt(self.length * proposal)
        self.length = int(np.clip(smoothed, self.min_length, self.max_length))


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


def _dot(a, b):
    """``a @ b`` for dense or sparse operands, always returning an ndarray."""
    out = a @ b
    return out.toarray() if sp.issparse(out) else np.asarray(out)


class _Influence:
    """``influence[j, k]``: how an update at window position j moves decision k.

    It is ``shrink ** (k - 1 - j) * x_j @ x_k + intercept_step`` for k > j and 0
    otherwise (an update only affects later samples).  Rows are computed on
    demand, only for positions that may hold a mistake.
    """

    def __init__(self, X_window, decay, intercept_step):
        length = X_window.shape[0]
        self.X = X_window
        self.decay = decay[:length, :length]
        self.intercept_step = intercept_step
        self.rows = np.zeros((length, length), dtype=decay.dtype)
        self.known = np.zeros(length, dtype=bool)
        if sp.issparse(X_window):
            # One sparse product is much cheaper than many small ones.
            self._fill(np.arange(length))

    def _fill(self, positions):
        gram = _dot(self.X[positions], self.X.T)
        self.rows[positions] = gram * self.decay[positions]
        if self.intercept_step:
            later = np.arange(self.X.shape[0]) > positions[:, None]
            self.rows[positions] += self.intercept_step * later
        self.known[positions] = True

    def take(self, positions):
        missing = positions[~self.known[positions]]
        if missing.size:
            self._fill(missing)
        return self.rows[positions]


def _decay_matrix(length, shrink, dtype):
    """``shrink ** (k - 1 - j)`` for k > j, else 0 (upper-triangular)."""
    gap = np.arange(length)[None, :] - np.arange(length)[:, None] - 1
    decay = np.zeros((length, length), dtype=dtype)
    upper = gap >= 0
    decay[upper] = shrink ** gap[upper] if shrink != 1.0 else 1.0
    return decay


def _solve_window(y, steps, decisions, influence):
    """Find the window's mistakes by fixed-point iteration.

    ``mistakes[c, k]`` must equal ``y[c, k] * D[c, k] <= 0`` where ``D`` are
    the decisions given the earlier mistakes.  Starting from the mistakes of
    the window-start weights, each round recomputes the decisions from the
    current guess (only the columns whose guess changed are added).  After
    ``t`` rounds the first ``t`` positions are exact, so the iteration
    terminates, usually after a handful of rounds; its fixed point is the
    sequential perceptron's answer.

    Returns
    -------
    updates : ndarray of shape (n_problems, length)
        The update of every mistake (0 elsewhere).
    decisions : ndarray of shape (n_problems, length)
        Each sample's decision at the time it is visited.
    """
    mistakes = np.zeros(decisions.shape, dtype=bool)
    current = decisions.copy()
    while True:
        updated = y * current <= 0
        changed = np.flatnonzero((updated != mistakes).any(axis=0))
        if changed.size == 0:
            return mistakes * steps, current
        flips = updated[:, changed].astype(steps.dtype) - mistakes[:, changed]
        current += (flips * steps[:, changed]) @ influence.take(changed)
        mistakes = updated


def _sum_sq_norms(window, coef, intercept, updates, decisions, shrink, intercept_step):
    """Sum over the window's samples of ``||w||^2`` at each visit, per problem.

    Between mistakes ``||w||^2`` shrinks by ``shrink ** 2`` per sample; a
    mistake at j adds ``2 shrink u_j (w_j @ x_j) + u_j^2 ||x_j||^2``.  The
    recurrence is linear, so its sum over the window is a geometric closed form.
    """
    length = updates.shape[1]
    ratio = shrink * shrink
    geometric = np.cumsum(np.concatenate([[0.0], ratio ** np.arange(length)]))
    total = np.einsum("ij,ij->i", coef, coef) * geometric[length]
    if np.any(updates):
        earlier = np.cumsum(updates, axis=1) - updates
        w_dot_x = decisions - intercept[:, None] - intercept_step * earlier
        x_sq = window.squared_norms()
        jump = 2.0 * shrink * updates * w_dot_x + updates**2 * x_sq
        total += jump @ geometric[length - 1 - np.arange(length)]
    return total


class _Window:
    """The samples of one window."""

    def __init__(self, X, idx):
        self.X = X[idx] if sp.issparse(X) else np.take(X, idx, axis=0)
        self.length = idx.shape[0]

    def squared_norms(self):
        if sp.issparse(self.X):
            return np.asarray(self.X.multiply(self.X).sum(axis=1)).ravel()
        return np.einsum("ij,ij->i", self.X, self.X)


def perceptron_epoch(
    X,
    order,
    coef,
    intercept,
    y_sign,
    signed_step,
    *,
    shrink=1.0,
    intercept_step=1.0,
    sizer=None,
    l1=None,
    penalty=None,
):
    """Run one epoch of the per-sample perceptron rule for several problems.

    For every problem ``c`` and every sample ``i`` in ``order``, in turn::

        p = coef[c] @ X[i] + intercept[c]
        loss[c] += max(0, -y_sign[c, i] * p)
        coef[c] *= shrink                       # L2 part of the penalty
        if y_sign[c, i] * p <= 0:
            coef[c] += signed_step[c, i] * X[i]
            intercept[c] += signed_step[c, i] * intercept_step

    computed exactly (up to floating-point rounding) but with array
    operations only (see the module docstring).

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
        Training data.
    order : ndarray of shape (n_visits,)
        Indices of the samples in the order they are visited.
    coef : ndarray of shape (n_problems, n_features)
        Weights, updated in place.
    intercept : ndarray of shape (n_problems,)
        Biases, updated in place.
    y_sign : ndarray of shape (n_problems, n_samples)
        Targets in {-1, +1}, one row per one-vs-all problem.
    signed_step : ndarray of shape (n_problems, n_samples)
        ``eta * y * class_weight * sample_weight``: the update of a mistake.
    shrink : float, default=1.0
        Per-sample L2 shrinkage ``max(0, 1 - eta * alpha * (1 - l1_ratio))``.
    intercept_step : float, default=1.0
        Factor of the intercept update (0 when the intercept is not fitted).
    sizer : WindowSizer, default=None
        Adaptive window length, carried across epochs.
    l1 : L1Truncation, default=None
        L1 part of the penalty, applied after every window.
    penalty : tuple (alpha, l1_ratio) or None, default=None
        When given, the objective adds ``alpha * ((1 - l1_ratio) / 2 ||w||^2 +
        l1_ratio ||w||_1)`` at every visit (scikit-learn's stopping criterion).

    Returns
    -------
    loss : ndarray of shape (n_problems,)
        Summed perceptron loss ``max(0, -y p)`` of the epoch, per problem.
    objective : ndarray of shape (n_problems,)
        ``loss`` plus the summed penalty (equal to ``loss`` without penalty).
    """
    sizer = WindowSizer() if sizer is None else sizer
    decay = _decay_matrix(sizer.max_length, shrink, coef.dtype)
    powers = shrink ** np.arange(sizer.max_length + 1, dtype=coef.dtype)
    loss = np.zeros(coef.shape[0])
    objective = np.zeros(coef.shape[0])
    start = 0
    while start < order.shape[0]:
        idx = order[start : start + sizer.length]
        window = _Window(X, idx)
        decisions = _dot(coef, window.X.T)
        if shrink != 1.0:
            decisions *= powers[: window.length]
        decisions += intercept[:, None]
        influence = _Influence(window.X, decay, intercept_step)
        updates, visited = _solve_window(
            y_sign[:, idx], signed_step[:, idx], decisions, influence
        )
        window_loss = np.maximum(-y_sign[:, idx] * visited, 0.0).sum(axis=1)
        loss += window_loss
        objective += window_loss
        if penalty is not None:
            alpha, l1_ratio = penalty
            sq = _sum_sq_norms(
                window, coef, intercept, updates, visited, shrink, intercept_step
            )
            l1_norm = np.abs(coef).sum(axis=1) * window.length
            objective += alpha * ((1.0 - l1_ratio) * 0.5 * sq + l1_ratio * l1_norm)
        _apply_updates(window.X, updates, coef, intercept, intercept_step, powers)
        if l1 is not None:
            l1.apply(coef, window.length)
        sizer.update(np.count_nonzero(updates, axis=1).max(), window.length)
        start += window.length
    return loss, objective


def _apply_updates(X_window, updates, coef, intercept, intercept_step, powers):
    """Move ``coef``/``intercept`` to their values after the window."""
    length = X_window.shape[0]
    if intercept_step:
        # The intercept is not penalised: it takes the raw updates.
        intercept += intercept_step * updates.sum(axis=1)
    if powers[1] != 1.0:
        # The update at j is shrunk by the (length - 1 - j) later samples.
        updates = updates * powers[length - 1 :: -1]
        coef *= powers[length]
    if np.any(updates):
        coef += _dot(updates, X_window)
