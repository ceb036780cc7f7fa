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

import math

import numpy as np
import scipy.sparse as sp

from ._perceptron_data import (
    QuietStretch,
    Window,
    add_rows,
    default_max_length,
    rows_combination,
)
from ._perceptron_influence import Influence, Profiles, dense_product
from ._perceptron_penalty import penalty_sum
from ._perceptron_rounds import InterceptPath, solve_window

__all__ = ["WindowSizer", "perceptron_epoch"]


class WindowSizer:
    """Adaptive window length: aim at a few fixed-point rounds per window.

    Parameters
    ----------
    length : int, default=64
        Initial window length (samples).
    target_rounds : float, default=8
        Desired number of fixed-point rounds per window (see ``solve_window``).
    min_length, max_length : int, default=64, 4096
        Bounds of the window length.  Below 64 samples the fixed cost of a
        window (its products, the update of the weights) outweighs the rounds
        it saves: 64 was 10-25 % faster than 16 on the bundled data sets and
        equal on 30 000 samples.
    """

    def __init__(self, length=64, target_rounds=8, min_length=64, max_length=4096):
        self.mistake_rate = None  # known after the first window
        self.length = int(length)
        self.target_rounds = target_rounds
        self.min_length = min_length
        self.max_length = max_length

    def profiles(self, shrink, intercept_step, dtype):
        """The influence-row factors for these settings (cached across epochs)."""
        key = (shrink, intercept_step, np.dtype(dtype))
        cache = self.__dict__.setdefault("_profiles", {})
        if key not in cache:
            cache[key] = Profiles(self.max_length, shrink, intercept_step, dtype)
        return cache[key]

    def record_mistakes(self, n_mistakes, n_samples):
        """Track the recent mistake rate of the worst problem.

        Counts decay over about 50000 samples; half a mistake is added as a
        prior so that a few quiet windows do not make the rate zero.
        """
        keep = math.exp(-n_samples / 50000.0)
        self.mistakes_seen = keep * getattr(self, "mistakes_seen", 0.0) + n_mistakes
        self.samples_seen = keep * getattr(self, "samples_seen", 0.0) + n_samples
        self.mistake_rate = (self.mistakes_seen + 0.5) / (self.samples_seen + 1.0)

    def update(self, n_rounds, window_length):
        """Resize after a window of ``window_length`` samples took ``n_rounds``."""
        proposal = window_length * self.target_rounds / max(n_rounds, 1)
        # Geometric smoothing keeps one unlucky window from collapsing the size;
        # multiples of 16 let the per-length caches be reused.
        smoothed = int(np.sqrt(self.length * proposal)) // 16 * 16
        self.length = min(max(smoothed, self.min_length), self.max_length)


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
    if sizer is None:
        sizer = WindowSizer(max_length=default_max_length(X))
    exact_intercept = _needs_intercept_path(signed_step, intercept_step)
    pass_args = _pass_args(
        sizer, shrink, intercept_step, penalty, coef.dtype, exact_intercept
    )
    loss, objective = np.zeros(coef.shape[0]), np.zeros(coef.shape[0])
    buffer = _window_buffer(X, sizer.max_length, order.shape[0])
    start, n_visits = 0, order.shape[0]
    # The targets in visiting order, gathered once: windows take slices.
    visit_targets = (y_sign[:, order], signed_step[:, order])
    quiet = QuietStretch.maybe(X, coef, sizer, l1, n_visits)
    while start < n_visits:
        if quiet is not None:
            rule = (y_sign, shrink, penalty, intercept_step)
            skipped, quiet_objective = quiet.skip(order[start:], coef, intercept, *rule)
            objective += quiet_objective
            sizer.record_mistakes(0, skipped)
            start += skipped
            quiet = None
            if start == n_visits:
                break
        stop = start + sizer.length
        window = Window(X, order[start:stop], buffer, sizer.mistake_rate)
        updates, n_rounds = _window_pass(
            window,
            (coef, intercept),
            tuple(target[:, start:stop] for target in visit_targets),
            (loss, objective),
            pass_args,
        )
        if l1 is not None:
            l1.apply(coef, window.length)
        sizer.update(n_rounds, window.length)
        sizer.record_mistakes((updates != 0).sum(axis=1).max(), window.length)
        start += window.length
        quiet = QuietStretch.maybe(X, coef, sizer, l1, n_visits - start)
    return loss, objective


def _window_buffer(X, max_length, n_visits):
    """The reused buffer of the dense windows' rows (None for sparse ``X``)."""
    if sp.issparse(X):
        return None
    return np.empty((min(max_length, n_visits), X.shape[1]), X.dtype)


def _needs_intercept_path(signed_step, intercept_step):
    """Whether intercept updates can round (see ``InterceptPath``)."""
    if not intercept_step:
        return False
    units = signed_step * intercept_step
    whole = np.array_equal(units, np.round(units))
    return not (whole and np.abs(units).sum() < 2.0**52)


def _pass_args(sizer, shrink, intercept_step, penalty, dtype, exact_intercept):
    """Per-epoch constants of :func:`_window_pass` (see there).

    With ``exact_intercept`` the influence rows leave the intercept out and
    every window follows it with an :class:`InterceptPath`.
    """
    rows_step = 0.0 if exact_intercept else intercept_step
    profiles = sizer.profiles(shrink, rows_step, dtype)
    return profiles, profiles.powers, shrink, intercept_step, penalty, exact_intercept


def _window_pass(window, weights, targets, totals, pass_args):
    """Visit one window: add its loss/objective to ``totals``, move the weights.

    ``weights`` is ``(coef, intercept)`` (updated in place), ``targets`` is
    ``(y_sign, signed_step)`` of the window's samples, ``totals`` is ``(loss,
    objective)`` (accumulated in place) and ``pass_args`` is ``(profiles,
    powers, shrink, intercept_step, penalty)``, fixed for the epoch.  Returns
    the window's ``updates`` and its number of fixed-point rounds.
    """
    coef, intercept = weights
    y_sign, signed_step = targets
    loss, objective = totals
    profiles, powers, shrink, intercept_step, penalty, exact_intercept = pass_args
    path = None
    if exact_intercept:
        path = InterceptPath(intercept, signed_step * intercept_step)
    decisions = _start_decisions(window, coef, intercept, powers, path is None)
    # Several problems make most positions mistakes somewhere: one Gram
    # product per short window beats gathering rows every round.
    eager = coef.shape[0] > 1 and window.length <= 256
    influence = Influence(window.X, profiles, eager, window.mistake_rate)
    updates, visited, n_rounds = solve_window(
        y_sign, signed_step, decisions, influence, path
    )
    window_loss = np.maximum(-y_sign * visited, 0.0).sum(axis=1)
    loss += window_loss
    objective += window_loss
    if penalty is not None:
        objective += penalty_sum(
            penalty, window, coef, intercept, updates, visited, shrink, intercept_step
        )
    if path is not None:
        intercept[:] = path.end(updates != 0)
        intercept_step = 0.0  # done: _apply_updates moves the weights only
    _apply_updates(window.X, updates, coef, intercept, intercept_step, powers)
    return updates, n_rounds


def _start_decisions(window, coef, intercept, powers, with_intercept=True):
    """Decisions of the window's samples if no mistake happened in it."""
    if sp.issparse(window.X):
        decisions = np.ascontiguousarray(dense_product(window.X, coef.T).T)
    else:
        decisions = coef @ window.X.T
    if powers[1] != 1.0:
        decisions *= powers[: window.length]  # L2 shrinkage between samples
    if with_intercept:
        decisions += intercept[:, None]
    return decisions


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
    if updates.shape[0] > 1 and length <= 256 and not sp.issparse(X_window):
        # Several problems on a short window make mistakes almost everywhere:
        # gathering the mistaken rows would cost more than it saves.
        coef += updates @ X_window
        return
    touched = np.flatnonzero(updates.any(axis=0))
    if touched.size:
        # Only the mistaken samples contribute: skip the others' rows.
        if sp.issparse(X_window) and coef.shape[0] == 1:
            add_rows(coef[0], X_window, touched, updates[0, touched])
        elif sp.issparse(X_window):
            coef += rows_combination(X_window, touched, updates[:, touched])
        else:
            coef += updates[:, touched] @ X_window[touched]
