"""scikit-learn's visiting order for a binary SGD problem, computed with arrays.

scikit-learn's SGD estimators (its ``Perceptron`` among them) shuffle the
sample indices before every epoch with a Fisher-Yates pass driven by a 32-bit
xorshift generator that restarts from the same seed each epoch, so every
epoch applies the same permutation once more to the previous order.  A binary
problem whose samples are visited in that order goes through exactly the
updates of scikit-learn's, so the two libraries fit the same model for the
same ``random_state``.

Both sequential pieces are computed without a loop over samples:

* the xorshift step is linear over GF(2), so its outputs come from repeated
  doubling: the states ``b .. 2b - 1`` are the states ``0 .. b - 1`` mapped by
  the ``b``-th power of the step, applied to all of them at once through four
  byte lookup tables;
* the Fisher-Yates result is resolved from the swap targets alone (see
  :func:`fisher_yates_permutation`).
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = [
    "OneVsAllShuffles",
    "SklearnShuffle",
    "epoch_shuffler",
    "fisher_yates_permutation",
    "group_shufflers",
    "xorshift_outputs",
]

_MASK32 = 0xFFFFFFFF
_RAND_R_MAX = 0x7FFFFFFF  # outputs are reduced modulo RAND_R_MAX + 1
_DEFAULT_SEED = 1  # a zero seed is replaced by this
_INT32_MAX = np.iinfo(np.int32).max


def _step(state):
    """One xorshift step of a Python int state (32 bits)."""
    state ^= (state << 13) & _MASK32
    state ^= state >> 17
    state ^= (state << 5) & _MASK32
    return state


# _BYTE_BITS[v, b]: whether bit b of the byte value v is set.
_BYTE_BITS = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(bool)


def _tables(columns):
    """Byte lookup tables of the GF(2)-linear map with these 32 bit images.

    ``tables[k][v]`` is the image of the byte value ``v`` at byte ``k``.
    """
    images = np.where(_BYTE_BITS, columns.reshape(4, 1, 8), np.uint32(0))
    return np.bitwise_xor.reduce(images, axis=2)


def _apply(tables, values):
    """The linear map of ``tables`` applied to every uint32 of ``values``."""
    out = tables[0][values & np.uint32(0xFF)]
    for index in range(1, 4):
        out ^= tables[index][(values >> np.uint32(8 * index)) & np.uint32(0xFF)]
    return out


def xorshift_outputs(seed, count):
    """The first ``count`` states of scikit-learn's xorshift generator.

    Parameters
    ----------
    seed : int
        Initial state (taken modulo 2**32; 0 means 1).
    count : int

    Returns
    -------
    ndarray of shape (count,), dtype uint32
        The state after 1, 2, ..., ``count`` steps.
    """
    state = int(seed) & _MASK32 or _DEFAULT_SEED
    states = np.empty(count, dtype=np.uint32)
    if count == 0:
        return states
    states[0] = _step(state)
    done, level = 1, 0
    while done < count:
        width = min(done, count - done)
        states[done : done + width] = _apply(_power_tables(level), states[:width])
        done += width
        level += 1
    return states


@functools.cache
def _power_tables(level):
    """Lookup tables of the step taken ``2 ** level`` times (seed-independent)."""
    if level == 0:
        columns = np.array([_step(1 << bit) for bit in range(32)], dtype=np.uint32)
    else:
        previous = _power_tables(level - 1)
        unit = np.left_shift(np.uint32(1), np.arange(32, dtype=np.uint32))
        columns = _apply(previous, _apply(previous, unit))
    return _tables(columns)


def fisher_yates_permutation(targets):
    """Where a Fisher-Yates pass with swap targets ``targets`` takes each item.

    Step ``i`` swaps positions ``i`` and ``targets[i] >= i``; the result is
    ``perm`` with ``shuffled = items[perm]``.  After step ``i`` position ``i``
    never changes again and holds what position ``targets[i]`` held just
    before; that position was last written by the latest earlier step with the
    same target (which put there what *its* own position held), or never.
    Following these links with pointer doubling resolves the whole pass in
    ``O(n log n)`` array work.
    """
    n = targets.shape[0] + 1
    target = np.append(targets, n - 1).astype(np.intp)
    steps = np.arange(n)
    # The latest earlier step writing into each position (-1: none).
    writer = np.full(n, -1)
    moves = steps < target
    np.maximum.at(writer, target[moves], steps[moves])
    # What position i holds just before step i: follow the writers back.
    pointer = np.where(writer >= 0, writer, steps)
    while True:
        jumped = pointer[pointer]
        if np.array_equal(jumped, pointer):
            break
        pointer = jumped
    held = pointer
    # The latest earlier step with the same target as step i.
    by_target = np.lexsort((steps, target))
    same = np.concatenate(([False], target[by_target[1:]] == target[by_target[:-1]]))
    previous = np.full(n, -1)
    previous[by_target[same]] = by_target[np.flatnonzero(same) - 1]
    return np.where(previous >= 0, held[np.maximum(previous, 0)], target)


class SklearnShuffle:
    """scikit-learn's epoch orders of a binary SGD problem.

    Parameters
    ----------
    n_samples : int
        Samples in the data set (validation samples included: scikit-learn
        shuffles them too, then skips them).
    seed : int
        The shuffling seed scikit-learn draws for the problem.

    Its :meth:`permutation` stands in for ``numpy.random.Generator
    .permutation`` in the epoch loop: each call returns the next epoch's
    order, restricted to the given training samples.
    """

    def __init__(self, n_samples, seed):
        randoms = xorshift_outputs(seed, max(n_samples - 1, 0)) & np.uint32(_RAND_R_MAX)
        steps = np.arange(max(n_samples - 1, 0))
        targets = steps + randoms.astype(np.intp) % (n_samples - steps)
        self.step = fisher_yates_permutation(targets)
        self.order = np.arange(n_samples)

    def permutation(self, train_idx):
        """The next epoch's order of the samples in ``train_idx``."""
        self.order = self.order[self.step]
        if train_idx.shape[0] == self.order.shape[0]:
            return self.order
        keep = np.zeros(self.order.shape[0], dtype=bool)
        keep[train_idx] = True
        return self.order[keep[self.order]]


class OneVsAllShuffles:
    """scikit-learn's epoch orders for one-vs-all problems trained together.

    scikit-learn draws one seed per one-vs-all problem and shuffles each
    problem with its own generator.  The exact kernel advances the problems
    of a group through one shared order (that is what lets them share the
    windows), so a group follows the order scikit-learn gives its *first*
    problem: that problem fits scikit-learn's model exactly, and with
    ``n_jobs`` equal to the number of classes every problem does.

    Parameters
    ----------
    n_samples : int
        Samples in the data set (validation samples included).
    seeds : ndarray of shape (n_problems,)
        scikit-learn's per-problem seeds.
    """

    def __init__(self, n_samples, seeds):
        self.n_samples = n_samples
        self.seeds = seeds
        self._shared = None

    def problem(self, index):
        """scikit-learn's shuffle of problem ``index`` (a fresh one)."""
        problem_rng = np.random.RandomState(self.seeds[index])
        problem_rng.randint(1, _INT32_MAX)  # seeds its data set, unused here
        return SklearnShuffle(self.n_samples, problem_rng.randint(_INT32_MAX))

    def permutation(self, train_idx):
        """The next epoch's order: the first problem's."""
        if self._shared is None:
            self._shared = self.problem(0)
        return self._shared.permutation(train_idx)


def epoch_shuffler(rng, n_samples, sklearn_order, n_problems=1):
    """What shuffles the epochs: scikit-learn's order or a numpy Generator.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The estimator's ``check_random_state(random_state)``.
    n_samples : int
        Samples in the data set.
    sklearn_order : bool
        Samples visited one by one: draw scikit-learn's seeds and follow its
        orders.  A binary problem then goes through scikit-learn's very
        updates; one-vs-all problems share the order of their first problem
        (:class:`OneVsAllShuffles`).  Otherwise one seed for a Generator.
    n_problems : int, default=1
        Number of one-vs-all problems (1 for a binary problem).

    Returns
    -------
    SklearnShuffle, OneVsAllShuffles or numpy.random.Generator
        Either way, ``.permutation(train_idx)`` gives an epoch's order.
    """
    if not sklearn_order:
        return np.random.default_rng(rng.randint(_INT32_MAX))
    if n_problems > 1:
        return OneVsAllShuffles(n_samples, rng.randint(_INT32_MAX, size=n_problems))
    rng.randint(1, _INT32_MAX)  # seeds scikit-learn's data set, unused here
    return SklearnShuffle(n_samples, rng.randint(_INT32_MAX))


def group_shufflers(shuffler, groups):
    """One shuffler per group of problems trained in its own thread.

    Parameters
    ----------
    shuffler : OneVsAllShuffles or numpy.random.Generator
        The estimator's shuffler (see :func:`epoch_shuffler`).
    groups : list of ndarray
        The problems of each group.

    Returns
    -------
    list
        scikit-learn's order of each group's first problem, or independent
        Generators seeded from ``shuffler``.
    """
    if isinstance(shuffler, OneVsAllShuffles):
        return [shuffler.problem(rows[0]) for rows in groups]
    seeds = shuffler.integers(_INT32_MAX, size=len(groups))
    return [np.random.default_rng(seed) for seed in seeds]
