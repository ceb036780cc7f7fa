"""One problem on dense rows: a window's mistakes found one after another.

With several one-vs-all problems the fixed-point rounds of
:mod:`._perceptron_rounds` resolve many mistakes per array operation, because
the problems share the rounds.  A single problem has no one to share them
with, so its window is scanned mistake by mistake instead: the first sample
whose decision is wrong is the next mistake (everything before it is settled),
its update moves every later decision, and the search resumes after it.
Exact by construction, and a handful of vector operations per mistake.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import get_blas_funcs

__all__ = ["single_scan"]

# Scan steps worth one fixed-point round, as reported to the window sizer:
# windows then hold about 30 mistakes, which measured fastest (2 and 8 were
# 10-20 % slower on 30000 x 100 noisy data).  With few features a mistake's
# update is cheaper and the window's fixed costs weigh more: twice the steps
# (about 60 mistakes a window) took 0.81-0.93 of the time on noisy data with
# 5-20 features (breast cancer: 0.90), equal at 32-50, 1.07 at 100.
_STEPS_PER_ROUND = 4
_STEPS_PER_ROUND_NARROW = 8
_NARROW_FEATURES = 32
# The margin scan sets up two (rest, n_features + 1) arrays (about 1.2 ns per
# entry) to save about 2 us per mistake over forming rows: it pays when the
# first _ROWS_FIRST mistakes, formed as rows, took fewer than
# _ROWS_FIRST * _MARGIN_BREAK_EVEN / (n_features + 1) samples.
_ROWS_FIRST = 4
_MARGIN_BREAK_EVEN = 1700


def single_scan(y, steps, decisions, influence, path=None):
    """:func:`solve_window` for one problem on dense rows.

    The scan forms each mistake's influence row (:func:`_row_scan`).  A
    window whose first mistakes come densely, or that follows windows whose
    mistakes did (``influence.mistake_rate``), runs on margins instead
    (:func:`_margin_scan`): cheaper per mistake, after a setup that only
    dense mistakes repay.  The margins take the L2 shrinkage as long as its
    factors over the window stay moderate (:meth:`Profiles.factorizable`).

    An :class:`InterceptPath` whose units are the steps themselves (the
    intercept step of dense rows is 1) is not needed here: the scan adds
    every mistake's update to the later decisions one mistake at a time, in
    visiting order, so a decision whose weights part is exactly zero (a
    zero row, or one missing the support of the weights) holds the very
    running sum of the per-sample rule, ``((b + u_1) + u_2) + ...``.  The
    intercept then rides in the decisions and the margin scan serves
    fractional steps (class or sample weights, ``eta0``) too.

    Returns
    -------
    updates : ndarray of shape (1, length)
    decisions : ndarray of shape (1, length)
        Each sample's decision at the time it is visited.
    n_rounds : int
        A cost measure for the window sizing.
    """
    profiles, X = influence.profiles, influence.X
    y, steps, current = y[0], steps[0], decisions[0].copy()
    mistaken = np.zeros(current.shape[0], dtype=bool)
    intercept_step = profiles.intercept_step
    if path is not None and np.array_equal(path.units[0], steps):
        current += path.sums[0, 0]
        intercept_step, path = 1.0, None
    if path is None and profiles.factorizable(current.shape[0]):
        _margin_or_row_scan(y, steps, current, mistaken, influence, intercept_step)
        seen = current
    else:
        _row_scan(y, steps, current, mistaken, influence, path)
        seen = current if path is None else path.total(current[None], mistaken[None])[0]
    per_round = (
        _STEPS_PER_ROUND_NARROW if X.shape[1] <= _NARROW_FEATURES else _STEPS_PER_ROUND
    )
    n_rounds = 1 + int(np.count_nonzero(mistaken)) // per_round
    return (mistaken * steps)[None], seen[None], n_rounds


def _margin_or_row_scan(y, steps, current, mistaken, influence, intercept_step):
    """The first mistakes formed as rows, then margins if they come densely."""
    X, rate = influence.X, influence.mistake_rate
    start = 0  # recent windows were dense: margins from the first sample
    if rate is None or rate * _MARGIN_BREAK_EVEN <= X.shape[1] + 1:
        start = _row_scan(
            y, steps, current, mistaken, influence,
            intercept_step=intercept_step, until=_ROWS_FIRST,
        )  # fmt: skip
    if start * (X.shape[1] + 1) < _ROWS_FIRST * _MARGIN_BREAK_EVEN:
        rest = slice(start, None)
        _margin_scan(
            y[rest], steps[rest], current[rest], mistaken[rest], X[rest],
            intercept_step, influence.profiles,
        )  # fmt: skip
    else:
        _row_scan(
            y, steps, current, mistaken, influence,
            intercept_step=intercept_step, start=start,
        )  # fmt: skip


def _margin_scan(y, steps, current, mistaken, X, intercept_step, profiles=None):
    """The scan on margins ``y * D``, one BLAS call per mistake.

    A mistake at ``j`` moves the margin of a later sample ``k`` by
    ``steps_j * y_k * (shrink ** (k - 1 - j) x_j @ x_k + intercept_step)``:
    the rows ``[x_j shrink ** -(j + 1), b]`` and ``y * [x_k shrink ** k, 1]``
    make that one dot product, so a single in-place ``gemv``
    (``margins[j+1:] += steps_j * signed[j+1:] @ rows[j]``) applies the
    whole update.  Margins are the decisions times +-1, so the mistake test
    is ``margin <= 0`` exactly as on the decisions.  ``current`` (the
    decisions) and ``mistaken`` are updated in place.  ``profiles``
    (:class:`Profiles`) gives the powers of the shrinkage (None: no shrinkage).
    """
    length, n_features = X.shape
    rows = np.empty((length, n_features + 1), X.dtype)
    rows[:, :-1] = X
    rows[:, -1] = intercept_step
    signed = rows * y[:, None]
    if intercept_step != 1.0:
        signed[:, -1] = y
    if profiles is not None and profiles.shrink != 1.0:
        powers = profiles.powers  # shrink ** k
        signed[:, :-1] *= powers[:length, None]
        rows[:, :-1] /= powers[1 : length + 1, None]
    # gemv with trans=1 on the Fortran view of ``signed``: no copy, and the
    # margins slice is updated in place (positional arguments: alpha, a, x,
    # beta, y, offx, incx, offy, incy, trans, overwrite_y).
    gemv, signed_t = get_blas_funcs("gemv", (signed,)), signed.T
    margins = y * current
    start = 0
    while start < length:
        wrong = margins[start:] <= 0
        first = int(wrong.argmax())
        if not wrong[first]:
            break
        k = start + first
        mistaken[k] = True
        if k + 1 < length:
            rest = margins[k + 1 :]
            gemv(steps[k], signed_t[:, k + 1 :], rows[k], 1.0, rest, 0, 1, 0, 1, 1, 1)
        start = k + 1
    np.multiply(margins, y, out=current)


def _row_scan(
    y, steps, current, mistaken, influence, path=None, start=0, until=None,
    intercept_step=None,
):  # fmt: skip
    """The scan forming each mistake's influence row, ``X[k+1:] @ x_k`` scaled
    by the L2 shrinkage and shifted by the intercept step (``intercept_step``,
    the profiles' by default); with an :class:`InterceptPath` the running
    intercept is added in visiting order (``current`` then leaves it out).

    ``current`` (the decisions) and ``mistaken`` are updated in place.
    Scans from ``start`` (with no path: the earlier samples are settled),
    stops after ``until`` mistakes (None: at the end of the window) and
    returns the position after the last sample it settled.
    """
    X, profiles = influence.X, influence.profiles
    if intercept_step is None:
        intercept_step = profiles.intercept_step
    length = current.shape[0]
    # profiles.decay[later + m] is shrink ** m.
    later = profiles.max_length + 1
    n_mistakes = 0
    bias = None if path is None else path.sums[0, 0]
    while start < length and n_mistakes != until:
        seen = current[start:] if bias is None else current[start:] + bias
        wrong = y[start:] * seen <= 0
        first = int(wrong.argmax())
        if not wrong[first]:
            return length
        k = start + first
        mistaken[k] = True
        n_mistakes += 1
        if bias is not None:
            bias = bias + path.units[0, k]
        if k + 1 < length:
            row = X[k + 1 :] @ X[k]
            if profiles.shrink != 1.0:
                row *= profiles.decay[later : later + length - k - 1]
            if intercept_step:
                row += intercept_step
            row *= steps[k]
            current[k + 1 :] += row
        start = k + 1
    return start
