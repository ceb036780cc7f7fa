"""Fixed-point rounds that find a window's perceptron mistakes exactly.

Given the decisions of a window's samples under the window-start weights and
the influence matrix (how an update at position j moves the decision at a
later position k), these functions find which samples the sequential
perceptron rule would update, with a few matrix products instead of a pass
per sample.  See :func:`solve_window` for why the answer is exact.  A single
problem on dense rows is scanned mistake by mistake instead
(:mod:`._perceptron_scan`): with no other problem to share the rounds, a few
vector operations per mistake cost less than a round.  A single problem on
sparse rows is warm-started from its window restricted to the likely mistakes
(:func:`_candidate_rounds`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._perceptron_scan import single_scan

__all__ = ["InterceptPath", "solve_window"]


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
    typically converges in about as many rounds as the worst problem makes
    mistakes, each round adding only the new mistakes' influence rows.  A
    round that withdraws a guess means the iteration is wandering: one
    update moves later decisions by more than their margins (unscaled
    features, a large ``eta0``), so the guesses flip back and forth, and
    every withdrawal would sum the decisions afresh from all of them (9
    mistakes in a 3424-sample window of unscaled 5-class blobs took 299
    such rounds).  The window is then finished by :func:`_guarded_rounds`,
    which never builds on an unverified guess: 5-class blobs fit in 0.03,
    digits with an L2 penalty in 0.4, of the time of plain iteration (on
    sparse rows only once the rounds clearly wander, see
    :func:`_jacobi_rounds`).  Short windows of several problems on dense
    rows iterate over their whole influence matrix
    (:func:`_jacobi_rounds_dense`).  A single problem is scanned
    (:func:`single_scan`) or, on sparse rows, warm-started
    (:func:`_candidate_rounds`) instead.

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
        return single_scan(y, steps, decisions, influence, path)
    if single:
        return _candidate_rounds(y, steps, decisions, influence, path)
    return _jacobi_rounds(y, steps, decisions, influence, path)


# Sparse windows keep iterating after a withdrawn guess while the rounds stay
# within this many of twice the mistakes they settled (see _wandering).
_SPARSE_ROUNDS_SLACK = 6


def _jacobi_rounds(y, steps, decisions, influence, path=None):
    """:func:`solve_window`'s Jacobi rounds over rows computed on demand.

    Each round adds only the influence rows of the new mistakes.  A round
    that withdraws a guess hands the window to :func:`_guarded_rounds` on
    dense rows.  On sparse rows, where every call for influence rows has a
    large fixed cost and the guarded rounds make more of them, the rounds
    go on (decisions summed afresh from the kept guesses, see
    :func:`_rebuilt`) until they are clearly wandering: 1.1-1.2 times
    faster than handing over at once on 4- and 5-class sparse sets.
    """
    sparse = sp.issparse(influence.X)
    mistakes = np.zeros(decisions.shape, dtype=bool)
    current = decisions.copy()
    n_rounds = 0
    while True:
        n_rounds += 1
        seen = _seen(current, mistakes, path)
        updated = y * seen <= 0
        changed = np.flatnonzero((updated != mistakes).any(axis=0))
        if changed.size == 0:
            return mistakes * steps, seen, n_rounds
        if (mistakes[:, changed] > updated[:, changed]).any():
            if not sparse or _wandering(updated, changed[0], n_rounds):
                updates, current, extra = _guarded_rounds(
                    y, steps, current, mistakes, influence, path, decisions
                )
                return updates, current, n_rounds + extra
            current = _rebuilt(decisions, updated, steps, influence)
        else:
            # Only the new mistakes: a column changed for one problem may
            # hold another problem's standing mistake.
            new = updated[:, changed] & ~mistakes[:, changed]
            current += (new * steps[:, changed]) @ influence.take(changed)
        mistakes = updated


def _wandering(updated, exact, n_rounds):
    """Whether the rounds run far ahead of the mistakes they settled.

    Every round settles the window up to its first changed column ``exact``
    (inclusive); healthy rounds settle about one mistake of the worst
    problem each.
    """
    settled = int(np.count_nonzero(updated[:, : exact + 1], axis=1).max())
    return n_rounds > _SPARSE_ROUNDS_SLACK + 2 * settled


def _rebuilt(start, mistakes, steps, influence):
    """The decisions given ``mistakes``, summed afresh from ``start``.

    Withdrawing a guessed update by subtracting its row would leave a
    rounding residue (see :func:`_guarded_rounds`): decisions are only ever
    built by adding the updates that are kept.
    """
    current = start.copy()
    positions = np.flatnonzero(mistakes.any(axis=0))
    if positions.size:
        current += (mistakes[:, positions] * steps[:, positions]) @ influence.take(
            positions
        )
    return current


def _jacobi_rounds_dense(y, steps, decisions, influence, path=None):
    """:func:`solve_window`'s Jacobi rounds with the whole influence matrix.

    Fewer, larger operations than gathering the changed columns: the window
    is short, so the full product is cheap and Python overhead dominates
    (hence the preallocated buffers, and the fixed point tested by comparing
    the raw bytes of two boolean arrays, a fifth of ``np.array_equal``'s
    cost; a comparison into a boolean array is also faster than into floats).
    """
    mistakes = np.zeros(decisions.shape, dtype=bool)
    updated = np.empty_like(mistakes)
    scratch = np.empty(decisions.shape, dtype=steps.dtype)
    current = decisions
    n_rounds = 0
    while True:
        n_rounds += 1
        seen = _seen(current, mistakes, path)
        np.multiply(y, seen, out=scratch)
        np.less_equal(scratch, 0, out=updated)
        if updated.tobytes() == mistakes.tobytes():
            return mistakes * steps, seen, n_rounds
        # Summed afresh (as cheap as the change alone), never by subtracting
        # a withdrawn guess: see _guarded_rounds.
        np.multiply(updated, steps, out=scratch)
        current = scratch @ influence
        current += decisions
        mistakes, updated = updated, mistakes


def _guarded_rounds(y, steps, current, guess, influence, path=None, start=None):
    """:func:`solve_window` as a scan with verified look-ahead.

    Each round first rebuilds the decisions from the exact prefix alone (the
    guesses beyond it are withdrawn), so every problem's first mistake after
    the prefix is exact, as in a plain sequential scan.  The following
    ``allowance - 1`` mistakes of those uncontaminated decisions are added
    as guesses and the next round verifies them.  Guesses never feed further
    guesses (which makes plain Jacobi iteration wander while the weights are
    poor), and the allowance doubles while the guesses keep being confirmed.

    ``current`` (shape (n_problems, length)) holds the decisions given the
    mistakes ``guess`` (None: no mistakes); both may come from earlier
    Jacobi rounds, are the callers' working arrays and are overwritten.
    ``start`` (same shape) are the decisions without any mistake
    (``current`` when not given, then ``guess`` must be None).  The
    decisions of the confirmed prefix, ``base``, grow by additions only:
    withdrawing a guess restores ``base`` instead of subtracting, which
    would leave a rounding residue: a decision whose exact value is zero (a
    sparse sample sharing no feature with the weights) must stay exactly
    zero, so that the intercept alone decides it as in the per-sample rule.
    """
    base = (current if start is None else start).copy()
    guess = np.zeros(current.shape, dtype=bool) if guess is None else guess
    exact, allowance, n_rounds = 0, 4, 0

    def add(mask, columns, target):
        if columns.size:
            target += (mask * steps[:, columns]) @ influence.take(columns)

    while True:
        n_rounds += 1
        visited = _seen(current, guess, path)
        updated = y[:, exact:] * visited[:, exact:] <= 0
        differ = np.flatnonzero((updated != guess[:, exact:]).any(axis=0))
        if differ.size == 0:
            return guess * steps, visited, n_rounds
        first = exact + differ[0]
        columns = np.flatnonzero(guess[:, exact:first].any(axis=0)) + exact
        confirmed = guess[:, columns]
        add(confirmed, columns, base)
        if n_rounds > 1:
            allowance = max(2 * int(confirmed.sum(axis=1).max(initial=0)), 1)
        if guess[:, first:].any():
            guess[:, first:] = False
            current[...] = base
        exact = first
        columns, found = _next_guesses(y, current, path, exact, allowance)
        guess[:, columns] = found
        add(found, columns, current)


def _next_guesses(y, current, path, exact, allowance):
    """Each problem's first ``allowance`` wrong decisions from ``exact`` on.

    Returns the window columns holding any of them and, for those columns,
    which problems guess a mistake there.  Only the columns where some
    problem is wrong are ranked: late in training they are few, and a rank
    over the whole ``(n_problems, length)`` block (40 problems of 2000
    samples: 80 000 entries) cost more than the rest of the round.
    """
    # The intercept at ``exact`` depends on the confirmed prefix only.
    rest = current[:, exact:]
    if path is not None:
        rest = rest + path.running[:, exact, None]
    wrong = y[:, exact:] * rest <= 0
    columns = np.flatnonzero(wrong.any(axis=0))
    wrong = wrong[:, columns]
    found = wrong & (np.cumsum(wrong, axis=1) <= allowance)
    kept = found.any(axis=0)
    return columns[kept] + exact, found[:, kept]


# A single problem on sparse rows first solves the window restricted to its
# likely mistakes: the samples wrong at the window start and about as many of
# the least certain others (measured: 99 % of the mistakes on 30000 x 2000
# sparse data, in about twice as many rows as there are mistakes).
_CANDIDATES_PER_WRONG = 2
_EXTRA_CANDIDATES = 8
# Weight of a round on the dense block in the rounds reported to the window
# sizer: 1.25 gave 0.97 and 0.86 of the time of 1.0 on the 30000 x 2000 and
# text-like sparse sets (1.5 was equal, 2 let the windows collapse to 64).
_BLOCK_ROUNDS_PER_ROUND = 1.25


def _likely_mistakes(margins):
    """Sorted positions of the smallest start margins (all those <= 0 first)."""
    n_wrong = int(np.count_nonzero(margins <= 0))
    count = min(margins.shape[0], _CANDIDATES_PER_WRONG * n_wrong + _EXTRA_CANDIDATES)
    if count == margins.shape[0]:
        return np.arange(count)
    return np.sort(np.argpartition(margins, count - 1)[:count])


def _candidate_rounds(y, steps, decisions, influence, path=None):
    """:func:`solve_window` for one problem on sparse rows, warm-started.

    Sparse influence rows have a large fixed cost per call, and the guarded
    rounds ask for them a few at a time.  Here the rows of the likely
    mistakes come in one call; the window restricted to them is solved with
    their dense square block (the other samples assumed correct), and that
    answer is the first guess of :func:`_guarded_rounds` on the whole window,
    which verifies it exactly and corrects it where a sample outside the
    candidates turns out wrong.
    """
    no_mistakes = np.zeros(decisions.shape, dtype=bool)
    margins = y[0] * _seen(decisions, no_mistakes, path)[0]
    candidates = _likely_mistakes(margins)
    block = influence.take(candidates)[:, candidates]
    sub_path = None
    if path is not None:
        sub_path = InterceptPath(path.sums[:, 0], path.units[:, candidates])
    sub_y = y[:, candidates]
    _, seen, n_rounds = _jacobi_rounds_dense(
        sub_y, steps[:, candidates], decisions[:, candidates], block, sub_path
    )
    mistaken = candidates[sub_y[0] * seen[0] <= 0]
    guess = np.zeros(decisions.shape, dtype=bool)
    guess[0, mistaken] = True
    current = decisions.copy()
    if mistaken.size:
        current[0] += steps[0, mistaken] @ influence.take(mistaken)
    updates, visited, extra = _guarded_rounds(
        y, steps, current, guess, influence, path, decisions
    )
    return updates, visited, int(n_rounds * _BLOCK_ROUNDS_PER_ROUND) + extra
