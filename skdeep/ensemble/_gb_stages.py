"""The boosting loop of gradient boosting: one stage of trees after another.

Kept apart from the estimator classes so that ``fit`` reads as validation,
then :func:`fit_stages`, then attribute assignment.  Everything is computed
into a :class:`BoostingState` and only copied onto the estimator at the end of
``fit``, so a failed fit never leaves a half-updated model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import time

import numpy as np

from ._hist_forest import grow_trees


@dataclass
class BoostingState:
    """Everything ``fit`` learns, stage by stage."""

    trees: list = field(default_factory=list)  # one list of K trees per stage
    train_score: list = field(default_factory=list)
    oob_scores: list = field(default_factory=list)
    oob_improvement: list = field(default_factory=list)


@dataclass
class StageInputs:
    """Training data of the boosting loop (binned once)."""

    data: object  # BinnedData of the training rows
    y: np.ndarray
    weights: np.ndarray
    raw: np.ndarray  # (n_rows, n_trees), updated in place
    validation: tuple | None = None  # (X_val, y_val, w_val, raw_val)


class VerboseReporter:
    """Prints a progress line per stage (every stage for ``verbose > 1``,
    then every 10th, 100th, ... for ``verbose == 1``)."""

    def __init__(self, verbose, n_estimators, with_oob, begin_at_stage):
        self.verbose = verbose
        self.n_estimators = n_estimators
        self.with_oob = with_oob
        self.begin_at_stage = begin_at_stage
        self.every = 1
        self.start = time()
        header = ["Iter", "Train Loss"]
        header += ["OOB Improve"] if with_oob else []
        header += ["Remaining Time"]
        print(("%10s " + "%16s " * (len(header) - 1)) % tuple(header))

    def update(self, stage, train_loss, oob_improvement):
        done = stage - self.begin_at_stage + 1
        if done % self.every:
            return
        remaining = (self.n_estimators - stage - 1) * (time() - self.start) / done
        shown = f"{remaining / 60:.2f}m" if remaining > 60 else f"{remaining:.2f}s"
        fields = [f"{stage + 1:>10d}", f"{train_loss:>16.4f}"]
        if self.with_oob:
            fields.append(f"{oob_improvement:>16.4f}")
        fields.append(f"{shown:>16s}")
        print(" ".join(fields))
        if self.verbose == 1 and done // (self.every * 10) > 0:
            self.every *= 10


#: Seeds drawn for each tree, as scikit-learn's tree splitters draw them.
_SEED_MAX = np.iinfo(np.int32).max


def _in_bag_mask(n_rows, n_in_bag, rng):
    """Exactly ``n_in_bag`` rows drawn without replacement.

    Row ``i`` is taken iff ``u_i * (n - i) < n_in_bag - (rows taken before
    i)`` (selection sampling, the rule scikit-learn applies to the same
    uniforms, so equal seeds give equal subsamples).  The recursion is solved
    as a fixed point of a vectorised update: after ``t`` sweeps the first
    ``t`` rows are final, and in practice a few dozen sweeps suffice.
    """
    threshold = rng.uniform(size=n_rows) * (n_rows - np.arange(n_rows))
    taken_before = np.zeros(n_rows)
    while True:
        mask = threshold < n_in_bag - taken_before
        updated = np.concatenate(([0], np.cumsum(mask)[:-1]))
        if np.array_equal(updated, taken_before):
            return mask
        taken_before = updated


def fit_one_stage(loss, inputs, rows, params, learning_rate, rng):
    """Grow the K trees of one stage on ``rows``; update ``inputs.raw``."""
    y, weights, raw = inputs.y, inputs.weights, inputs.raw
    loss.prepare_stage(y, raw, weights)
    neg_grad = loss.neg_gradient(y, raw)
    everything = rows.size == y.size
    sub = inputs.data if everything else inputs.data.take(rows)
    y_sub, w_sub, raw_sub = y[rows], weights[rows], raw[rows]
    targets = neg_grad[rows]
    # One seed per tree, like scikit-learn's trees, keeps the random streams
    # (and so the subsamples) of equal seeds aligned; a tree builds its
    # RandomState only if it samples features.
    seeds = [rng.randint(0, _SEED_MAX) for _ in range(targets.shape[1])]
    grown = grow_trees(sub, -w_sub[:, None] * targets, w_sub, params, seeds)
    trees = []
    for k, (tree, leaves) in enumerate(grown):
        target = targets[:, k]
        new_values = loss.leaf_values(
            leaves, tree.node_count, y_sub, raw_sub, target, w_sub, k
        )
        if new_values is not None:
            is_leaf = tree.children_left == -1
            tree.value[is_leaf] = new_values[is_leaf]
        if not everything:
            leaves = tree.apply_binned(inputs.data.binned, inputs.data.missing_bin)
        raw[:, k] += learning_rate * tree.value[leaves]
        trees.append(tree)
    return trees


def _should_stop_early(inputs, trees, history, stage, estimator, loss):
    """Update the validation predictions; True when the loss stopped improving."""
    X_val, y_val, w_val, raw_val = inputs.validation
    for k, tree in enumerate(trees):
        # By the real thresholds: the validation values were not in the bins.
        values = tree.value[tree.apply_values(X_val)]
        raw_val[:, k] += estimator.learning_rate * values
    val_loss = loss.reported(y_val, raw_val, w_val)
    # Stop unless the loss beats one of the last n_iter_no_change by ``tol``.
    if not np.any(val_loss + estimator.tol < history):
        return True
    history[stage % history.size] = val_loss
    return False


def _record_scores(state, loss, inputs, in_bag, previous_oob):
    """Append the training (and out-of-bag) loss; return the new OOB loss."""
    y, w, raw = inputs.y, inputs.weights, inputs.raw
    if in_bag is None:
        state.train_score.append(loss.reported(y, raw, w))
        return None
    state.train_score.append(loss.reported(y[in_bag], raw[in_bag], w[in_bag]))
    oob = loss.reported(y[~in_bag], raw[~in_bag], w[~in_bag])
    state.oob_scores.append(oob)
    state.oob_improvement.append(previous_oob - oob)
    return oob


def fit_stages(estimator, loss, inputs, params, rng, begin_at_stage, monitor):
    """Run the boosting stages ``begin_at_stage .. n_estimators - 1``.

    Returns a :class:`BoostingState` holding only the new stages.
    """
    n_rows = inputs.y.size
    do_oob = estimator.subsample < 1.0
    n_in_bag = max(1, int(estimator.subsample * n_rows))
    state, reporter, history = BoostingState(), None, None
    if estimator.verbose:
        reporter = VerboseReporter(
            estimator.verbose, estimator.n_estimators, do_oob, begin_at_stage
        )
    if estimator.n_iter_no_change is not None:
        history = np.full(estimator.n_iter_no_change, np.inf)
    y, w, raw = inputs.y, inputs.weights, inputs.raw
    previous_oob = None
    for stage in range(begin_at_stage, estimator.n_estimators):
        in_bag = _in_bag_mask(n_rows, n_in_bag, rng) if do_oob else None
        if do_oob and previous_oob is None:
            previous_oob = loss.reported(y[~in_bag], raw[~in_bag], w[~in_bag])
        usable = w != 0 if in_bag is None else in_bag & (w != 0)
        rows = np.flatnonzero(usable)
        trees = fit_one_stage(loss, inputs, rows, params, estimator.learning_rate, rng)
        state.trees.append(trees)
        previous_oob = _record_scores(state, loss, inputs, in_bag, previous_oob)
        if reporter is not None:
            improvement = state.oob_improvement[-1] if do_oob else 0.0
            reporter.update(stage, state.train_score[-1], improvement)
        if monitor is not None and monitor(stage, estimator, locals()):
            break
        if history is not None and _should_stop_early(
            inputs, trees, history, stage, estimator, loss
        ):
            break
    return state
