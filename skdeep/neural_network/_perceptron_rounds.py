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

__all__ = ["InterceptPath", "solve_window"]


# Jacobi rounds tried on a short window of a single problem before the
# guarded scan takes over.
_JACOBI_BUDGET = 6
# Steps of the sequential scan worth one fixed-point round, as reported to
# the window sizer (a scan step is a handful of small vector operations).
_SCAN_STEPS_PER_ROUND = 4
# ... and of the margin scan, whose steps do not grow with the window (longer
# windows spread its one product over more mistakes).
_MARGIN_STEPS_PER_ROUND = 12
# After this many mistakes in a window, the scan may form the update rows of
# the rest at once (when more than _DENSE_MIN_REST samples remain and the
# product pays for itself, see _margin_scan_pays).
_DENSE_AFTER = 8
_DENSE_MIN_REST = 32


class InterceptPath:
    """The intercept each sample of a window sees, summed in visiting order.

    The sequential rule adds every mistake's intercept update to a running
    float.  When the updates are whole numbers (the default step on dense
    rows) every partial sum is exact, so the updates can ride inside the
    influence rows and no path is needed.  Otherwise (sparse rows step by
    0.01; a fractional ``eta0``, class or sample weights) the rounding of the
    running sum matters: a sample whose features miss the support of the
    weights has the intercept alone as its decision, and its last bit decides
    the tie.  The influence rows then leave the intercept out and this path
    recomputes the running sums, in order, with one ``cumsum`` per round (an
    accumulation is sequential): the very floats of the per-sample rule.

    Parameters
    ----------
    start : ndarray of shape (n_problems,)
        The intercepts at the start of the window.
    units : ndarray of shape (n_problems, length)
        The intercept update of a mistake at each position.
    """

    def __init__(self, start, units):
        self.units = units
        self.sums = np.empty((units.shape[0], units.shape[1] + 1), units.dtype)
        self.sums[:, 0] = start
        self.running = np.empty_like(self.sums)

    def _run(self, mistakes):
        np.multiply(mistakes, self.units, out=self.sums[:, 1:])
        return np.add.accumulate(self.sums, axis=1, out=self.running)

    def total(self, current, mistakes):
        """Decisions: ``current`` (the weights' part) plus each sample's intercept."""
        return current + self._run(mistakes)[:, :-1]

    def end(self, mistakes):
        """The intercepts after the window, given its ``mistakes``."""
        return self._run(mistakes)[:, -1].copy()


def _seen(current, mistakes, path):
    """The decisions the samples see (``current`` itself without a path)."""
    return current if path is None else path.total(current, mistakes)


def solve_window(y, steps, decisions, influence, path=None):
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

    With an :class:`InterceptPath` ``path``, ``decisions`` and the influence
    rows leave the intercept out and the path adds it.

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
        return _jacobi_rounds_dense(y, steps, decisions, full, path)
    single = decisions.shape[0] == 1
    if single and not sp.issparse(influence.X):
        return _sequential_scan(y, steps, decisions, influence, path)
    mistakes = np.zeros(decisions.shape, dtype=bool)
    current = decisions.copy()
    # Long windows of a single problem mean rare mistakes (late epochs,
    # separable data), where plain iteration gains nothing and can wander.
    budget = _JACOBI_BUDGET if decisions.shape[1] <= 256 else 0
    n_rounds = 0
    while True:
        n_rounds += 1
        seen = _seen(current, mistakes, path)
        updated = y * seen <= 0
        changed = np.flatnonzero((updated != mistakes).any(axis=0))
        if changed.size == 0:
            return mistakes * steps, seen, n_rounds
        if single and n_rounds > budget:
            updates, current, extra = _guarded_rounds(
                y, steps, current, mistakes[0], influence, path, decisions[0]
            )
            return updates, current, n_rounds + extra
        if (mistakes[:, changed] > updated[:, changed]).any():
            current = _rebuilt(decisions, updated, steps, influence)
        else:
            # Only the new mistakes: a column changed for one problem may
            # hold another problem's standing mistake.
            new = updated[:, changed] & ~mistakes[:, changed]
            current += (new * steps[:, changed]) @ influence.take(changed)
        mistakes = updated


def _rebuilt(start, mistakes, steps, influence):
    """The decisions given ``mistakes``, summed afresh from ``start``.

    Withdrawing a guessed update by subtracting its row would leave a
    rounding residue; a decision whose exact value is zero (a sparse sample
    sharing no feature with the weights) must stay exactly zero, so that the
    intercept alone decides it as in the per-sample rule.  Decisions are
    therefore only ever built by adding the updates that are kept.
    """
    current = start.copy()
    positions = np.flatnonzero(mistakes.any(axis=0))
    if positions.size:
        current += (mistakes[:, positions] * steps[:, positions]) @ influence.take(
            positions
        )
    return current


def _sequential_scan(y, steps, decisions, influence, path=None):
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
    start = n_mistakes = n_dense = 0
    # With a path, the running intercept (added in visiting order).
    bias = None if path is None else path.sums[0, 0]
    while start < length:
        seen = current[start:] if bias is None else current[start:] + bias
        wrong = y[start:] * seen <= 0
        first = int(wrong.argmax())
        if not wrong[first]:
            break
        k = start + first
        mistaken[k] = True
        n_mistakes += 1
        if bias is not None:
            bias = bias + path.units[0, k]
        elif n_mistakes == _DENSE_AFTER and _margin_scan_pays(X, profiles, k):
            # Dense mistakes: finish the window on all its remaining update rows.
            n_dense = _margin_scan(y, steps, current, mistaken, X, profiles, k)
            break
        if k + 1 < length:
            row = X[k + 1 :] @ X[k]
            if profiles.shrink != 1.0:
                row *= profiles.decay[later : later + length - k - 1]
            if profiles.intercept_step:
                row += profiles.intercept_step
            row *= steps[k]
            current[k + 1 :] += row
        start = k + 1
    n_rounds = (
        1 + n_mistakes // _SCAN_STEPS_PER_ROUND + n_dense // _MARGIN_STEPS_PER_ROUND
    )
    seen = _seen(current[None], mistaken[None], path)
    return (mistaken * steps)[None], seen, n_rounds


def _margin_scan_pays(X, profiles, k):
    """Whether :func:`_margin_scan` should finish a window from position ``k``.

    It pays when the mistakes expected in the rest of the window (at the
    window's rate so far, damped by ``_DENSE_MIN_REST`` samples without a
    mistake: the first samples after weights near zero are all mistakes)
    save more than the product costs.  Rough costs,
    measured on a two-core machine: a row formed alone costs about 2 us of
    vector operations, plus its matrix-vector product, more than a slice
    addition; the product of the rest with itself about 0.04 ns per
    multiply-add plus 10 us.  L2 shrinkage would need a factor per pair.
    """
    rest, n_features = X.shape[0] - k, X.shape[1]
    if profiles.shrink != 1.0 or rest <= _DENSE_MIN_REST:
        return False
    expected = _DENSE_AFTER / (k + 1 + _DENSE_MIN_REST) * rest
    saved = expected * (2.0 + 5e-5 * rest * n_features)
    spent = 4e-5 * rest * rest * (n_features + 1) + 10.0
    return saved > spent


def _margin_scan(y, steps, current, mistaken, X, profiles, k):
    """:func:`_sequential_scan` from the mistake at ``k`` on, with every
    update row of the rest of the window formed by one matrix product.

    A window that already holds ``_DENSE_AFTER`` mistakes likely holds many
    more.  The update of a mistake at ``j`` moves the margin ``y_i D_i`` of a
    later sample ``i`` by ``steps_j y_i (x_j . x_i + b)``: the product of
    ``steps * [X, b]`` with ``y * [X, 1]`` gives all of them, so a
    mistake then costs a search and one slice addition, against a product
    and four vector operations when rows are formed one by one.  (Signs are
    +-1, so margins are the decisions times ``y`` exactly.)  ``current`` and
    ``mistaken`` are updated in place; returns the number of further mistakes.
    """
    left = right = X[k:]
    if profiles.intercept_step:
        column = np.ones((left.shape[0], 1), dtype=left.dtype)
        left = np.hstack([left, profiles.intercept_step * column])
        right = np.hstack([right, column])
    signs = y[k:]
    updates = (steps[k:, None] * left) @ (signs[:, None] * right).T
    margins = signs * current[k:]
    margins[1:] += updates[0, 1:]
    position, n_mistakes, length = 1, 0, signs.shape[0]
    while position < length:
        wrong = margins[position:] <= 0
        first = int(wrong.argmax())
        if not wrong[first]:
            break
        position += first
        mistaken[k + position] = True
        n_mistakes += 1
        margins[position + 1 :] += updates[position, position + 1 :]
        position += 1
    current[k:] = margins * signs
    return n_mistakes


def _jacobi_rounds_dense(y, steps, decisions, influence, path=None):
    """:func:`solve_window`'s Jacobi rounds with the whole influence matrix.

    Fewer, larger operations than gathering the changed columns: the window
    is short, so the full product is cheap and Python overhead dominates
    (hence the preallocated buffers, and the fixed point tested by comparing
    the raw bytes of two 0/1 arrays, a fifth of ``np.array_equal``'s cost).
    """
    mistakes = np.zeros(decisions.shape, dtype=steps.dtype)
    updated, scratch = np.empty_like(mistakes), np.empty_like(mistakes)
    current = decisions
    n_rounds = 0
    while True:
        n_rounds += 1
        seen = _seen(current, mistakes, path)
        np.multiply(y, seen, out=scratch)
        np.less_equal(scratch, 0, out=updated)
        if updated.tobytes() == mistakes.tobytes():
            return mistakes * steps, seen, n_rounds
        # Summed afresh (as cheap as the change alone): see _rebuilt.
        np.multiply(updated, steps, out=scratch)
        current = scratch @ influence
        current += decisions
        mistakes, updated = updated, mistakes


def _guarded_rounds(y, steps, current, guess, influence, path=None, start=None):
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
    ``start`` (shape (length,)) are the decisions without any mistake
    (``current`` when not given, then ``guess`` must be None).  The decisions
    of the confirmed prefix, ``base``, grow by additions only: withdrawing a
    guess restores ``base`` instead of subtracting (see :func:`_rebuilt`).
    """
    y, steps, current = y[0], steps[0], current[0]
    base = (current if start is None else start).copy()
    guess = np.zeros(current.shape[0], dtype=bool) if guess is None else guess
    exact, allowance, n_rounds = 0, 4, 0

    def add(positions, target):
        if positions.size:
            target += steps[positions] @ influence.take(positions)

    while True:
        n_rounds += 1
        visited = _seen(current[None], guess[None], path)[0]
        updated = y * visited <= 0
        differ = np.flatnonzero(updated[exact:] != guess[exact:])
        if differ.size == 0:
            return (guess * steps)[None], visited[None], n_rounds
        first = exact + differ[0]
        confirmed = np.flatnonzero(guess[exact:first]) + exact
        add(confirmed, base)
        allowance = max(2 * confirmed.size, 1) if n_rounds > 1 else allowance
        withdrawn = np.flatnonzero(guess[first:]) + first
        if withdrawn.size:
            guess[withdrawn] = False
            current[:] = base
        exact = first
        # The intercept at ``first`` depends on the confirmed prefix only.
        rest = (
            current[exact:]
            if path is None
            else current[exact:] + path.running[0, exact]
        )
        found = np.flatnonzero(y[exact:] * rest <= 0)[:allowance] + exact
        guess[found] = True
        add(found, current)
