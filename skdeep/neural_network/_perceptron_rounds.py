"""Fixed-point rounds that find a window's perceptron mistakes exactly.

Given the decisions of a window's samples under the window-start weights and
the influence matrix (how an update at position j moves the decision at a
later position k), these functions find which samples the sequential
perceptron rule would update, with a few matrix products instead of a pass
per sample.  See :func:`solve_window` for why the answer is exact.  A single
problem on dense rows is scanned mistake by mistake instead
(:func:`_sequential_scan`): with no other problem to share the rounds, a few
vector operations per mistake cost less than a round.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["solve_window"]


# Jacobi rounds tried on a short window of a single problem before the
# guarded scan takes over.
_JACOBI_BUDGET = 6
# Steps of the sequential scan worth one fixed-point round, as reported to
# the window sizer (a scan step is a handful of small vector operations).
_SCAN_STEPS_PER_ROUND = 4


def solve_window(y, steps, decisions, influence):
    """Find the window's mistakes by fixed-point iteration.

    ``mistakes[c, k]`` must equal ``y[c, k] * D[c, k] <= 0`` where ``D`` are
    the decisions given the earlier mistakes.  Each round computes ``D`` from a
    guess of the mistakes (only the columns whose guess changed are added) and
    thresholds it.  Up to the first position where the result disagrees with
    the guess, the guess was right; at that position the result is right.
    So every round extends an exact prefix, whatever is guessed beyond it,
    and the fixed point is the sequential perceptron's answer.

    The round's result is the next guess (Jacobi iteration), which
    typically converges in a few rounds.  A single problem switches to
    :func:`_guarded_rounds` when the rounds do not settle quickly (plain
    iteration can wander while the weights are poor); one-vs-all problems
    keep iterating (their rounds are shared, so stragglers cost little).

    Returns
    -------
    updates : ndarray of shape (n_problems, length)
        The update of every mistake (0 elsewhere).
    decisions : ndarray of shape (n_problems, length)
        Each sample's decision at the time it is visited.
    n_rounds : int
        Rounds used (a cost measure for the window sizing).
    """
    full = influence.full()
    if full is not None:
        return _jacobi_rounds_dense(y, steps, decisions, full)
    single = decisions.shape[0] == 1
    if single and not sp.issparse(influence.X):
        return _sequential_scan(y, steps, decisions, influence)
    mistakes = np.zeros(decisions.shape, dtype=bool)
    current = decisions.copy()
    # Long windows of a single problem mean rare mistakes (late epochs,
    # separable data), where plain iteration gains nothing and can wander.
    budget = _JACOBI_BUDGET if decisions.shape[1] <= 256 else 0
    n_rounds = 0
    while True:
        n_rounds += 1
        updated = y * current <= 0
        changed = np.flatnonzero((updated != mistakes).any(axis=0))
        if changed.size == 0:
            return mistakes * steps, current, n_rounds
        if single and n_rounds > budget:
            updates, current, extra = _guarded_rounds(
                y, steps, current, mistakes[0], influence
            )
            return updates, current, n_rounds + extra
        flips = updated[:, changed].astype(steps.dtype) - mistakes[:, changed]
        flips *= steps[:, changed]
        current += flips @ influence.take(changed)
        mistakes = updated


def _sequential_scan(y, steps, decisions, influence):
    """:func:`solve_window` for one problem on dense rows: mistake by mistake.

    The first sample whose current decision is wrong is the next mistake
    (everything before it is settled); its update moves every later
    decision by one influence row, ``X[k+1:] @ x_k`` scaled by the L2
    shrinkage and shifted by the intercept step, and the search resumes
    after it.  Exact by construction, and a few vector operations per
    mistake: cheaper than fixed-point rounds for a single problem, whose
    mistakes cannot share rounds with other problems.
    """
    X, profiles = influence.X, influence.profiles
    y, steps = y[0], steps[0]
    current = decisions[0].copy()
    length = current.shape[0]
    mistaken = np.zeros(length, dtype=bool)
    # profiles.decay[later + m] is shrink ** m.
    later = profiles.max_length + 1
    start = n_mistakes = 0
    while start < length:
        wrong = y[start:] * current[start:] <= 0
        first = int(wrong.argmax())
        if not wrong[first]:
            break
        k = start + first
        mistaken[k] = True
        n_mistakes += 1
        if k + 1 < length:
            row = X[k + 1 :] @ X[k]
            if profiles.shrink != 1.0:
                row *= profiles.decay[later : later + length - k - 1]
            if profiles.intercept_step:
                row += profiles.intercept_step
            row *= steps[k]
            current[k + 1 :] += row
        start = k + 1
    n_rounds = 1 + n_mistakes // _SCAN_STEPS_PER_ROUND
    return (mistaken * steps)[None], current[None], n_rounds


def _jacobi_rounds_dense(y, steps, decisions, influence):
    """:func:`solve_window`'s Jacobi rounds with the whole influence matrix.

    Fewer, larger operations than gathering the changed columns: the window
    is short, so the full product is cheap and Python overhead dominates.
    """
    mistakes = np.zeros(decisions.shape, dtype=steps.dtype)
    current = decisions.copy()
    n_rounds = 0
    while True:
        n_rounds += 1
        updated = np.less_equal(y * current, 0).astype(steps.dtype)
        flips = updated - mistakes
        if not flips.any():
            return mistakes * steps, current, n_rounds
        flips *= steps
        current += flips @ influence
        mistakes = updated


def _guarded_rounds(y, steps, current, guess, influence):
    """:func:`solve_window` for one problem: a scan with verified look-ahead.

    Each round first rebuilds the decisions from the exact prefix alone (the
    guesses beyond it are withdrawn), so the first mistake after the prefix is
    exact, as in a plain sequential scan.  The following ``allowance - 1``
    mistakes of those uncontaminated decisions are added as guesses and the
    next round verifies them.  Guesses never feed further guesses (which
    makes plain Jacobi iteration wander while the weights are poor), and the
    allowance doubles while the guesses keep being confirmed.

    ``current`` (shape (1, length)) holds the decisions given the mistakes
    ``guess`` (None: no mistakes); both may come from earlier Jacobi rounds.
    """
    y, steps, current = y[0], steps[0], current[0]
    guess = np.zeros(current.shape[0], dtype=bool) if guess is None else guess
    exact, allowance, n_rounds = 0, 4, 0

    def switch(positions, value):
        # Add (value=True) or withdraw the updates of `positions`.
        if positions.size:
            sign = 1.0 if value else -1.0
            current[:] += (sign * steps[positions]) @ influence.take(positions)
            guess[positions] = value

    while True:
        n_rounds += 1
        updated = y * current <= 0
        differ = np.flatnonzero(updated[exact:] != guess[exact:])
        if differ.size == 0:
            return (guess * steps)[None], current[None], n_rounds
        first = exact + differ[0]
        confirmed = np.count_nonzero(guess[exact:first])
        allowance = max(2 * confirmed, 1) if n_rounds > 1 else allowance
        withdrawn = np.flatnonzero(guess[first:]) + first
        switch(withdrawn, False)
        exact = first
        found = np.flatnonzero(y[exact:] * current[exact:] <= 0)[:allowance]
        switch(found + exact, True)
