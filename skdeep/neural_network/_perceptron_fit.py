"""Epoch loop of the exact perceptron: stopping rules, early stopping, n_jobs.

Each one-vs-all problem keeps scikit-learn's stopping state of its own (best
summed training loss, or best validation accuracy with ``early_stopping``,
and a no-improvement counter); a problem that has stopped is frozen while the
others continue.  The epochs themselves are :func:`perceptron_epoch`.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs

from ._perceptron_data import default_max_length
from ._perceptron_kernel import WindowSizer, perceptron_epoch
from ._perceptron_order import group_shufflers
from ._perceptron_penalty import L1Truncation, SupportNorms

__all__ = ["ProblemSet", "train_problems"]

# Longest window when an L1 penalty is truncated after every window.
L1_MAX_WINDOW = 64


class ProblemSet:
    """Targets and per-sample update sizes of the one-vs-all problems.

    Parameters
    ----------
    y_sign : ndarray of shape (n_problems, n_samples)
        Targets in {-1, +1}.
    signed_step : ndarray of shape (n_problems, n_samples)
        ``eta0 * y * class_weight * sample_weight`` per problem and sample.
    train_idx : ndarray of shape (n_train,)
        Samples used for training (all but the validation split).
    val_idx : ndarray of shape (n_val,) or None
        Validation samples (``early_stopping=True``), else None.
    sample_weight : ndarray of shape (n_samples,)
        Sample weights (used for the validation accuracy).
    """

    def __init__(self, y_sign, signed_step, train_idx, val_idx, sample_weight):
        self.y_sign = y_sign
        self.signed_step = signed_step
        self.train_idx = train_idx
        self.val_idx = val_idx
        self.sample_weight = sample_weight

    def subset(self, rows):
        """The problems ``rows`` only."""
        return ProblemSet(
            self.y_sign[rows],
            self.signed_step[rows],
            self.train_idx,
            self.val_idx,
            self.sample_weight,
        )


class _StoppingState:
    """scikit-learn's per-problem no-improvement counters."""

    def __init__(self, n_problems, tol, n_iter_no_change):
        self.tol = -np.inf if tol is None else tol
        self.patience = n_iter_no_change
        self.best = np.full(n_problems, np.inf)
        self.count = np.zeros(n_problems, dtype=int)

    def update(self, rows, loss):
        """Record ``loss`` (lower is better) and return the rows that stop."""
        if self.tol > -np.inf:
            worse = loss > self.best[rows] - self.tol
            self.count[rows] = np.where(worse, self.count[rows] + 1, 0)
        self.best[rows] = np.minimum(self.best[rows], loss)
        return rows[self.count[rows] >= self.patience]


# scikit-learn's weight vector folds the L2 shrinkage into a running scale,
# multiplied out into the weights whenever it drops below this (per dtype).
_RESCALE_THRESHOLD = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 1e-6}


def validation_intercept_scale(shrink, n_scaled, dtype):
    """The factor scikit-learn's validation score effectively puts on the intercept.

    scikit-learn stores the weights as ``w / s`` with a running scale ``s``
    (multiplied by ``shrink`` at every trained sample and reset to 1, the
    weights rescaled, once it drops below a threshold), and its early-stopping
    score predicts from the stored ``w / s`` and the intercept ``b``.  That is
    the sign of ``x @ w + s * b``: with an L2 penalty the intercept counts
    ``s`` times.  ``n_scaled`` is the number of samples trained so far in the
    run; without shrinkage the factor is 1.
    """
    if not 0.0 < shrink < 1.0:
        return 1.0
    threshold = _RESCALE_THRESHOLD.get(np.dtype(dtype), 1e-9)
    period = max(1, math.ceil(math.log(threshold) / math.log(shrink)))
    while period > 1 and shrink ** (period - 1) < threshold:
        period -= 1  # the first power below the threshold resets the scale
    while shrink**period >= threshold:
        period += 1
    return shrink ** (n_scaled % period)


def _validation_accuracy(X, problems, coef, intercept, intercept_scale=1.0):
    """Weighted accuracy of each problem's sign prediction on the validation set.

    ``intercept_scale`` (see :func:`validation_intercept_scale`) reproduces
    scikit-learn's score under an L2 penalty.
    """
    X_val = X[problems.val_idx]
    decisions = np.asarray(X_val @ coef.T) + intercept * intercept_scale
    predicted = np.where(decisions > 0, 1.0, -1.0)
    weight = problems.sample_weight[problems.val_idx]
    correct = predicted == problems.y_sign[:, problems.val_idx].T
    return (weight @ correct) / weight.sum()


def _report(epoch, coef, intercept, loss, objective, n_seen, n_train, started):
    print(f"-- Epoch {epoch + 1}")
    for row in range(coef.shape[0]):
        print(
            f"Norm: {np.linalg.norm(coef[row]):.2f}, "
            f"NNZs: {np.count_nonzero(coef[row])}, Bias: {intercept[row]:.6f}, "
            f"T: {n_seen}, Avg. loss: {loss[row] / n_train:.6f}, "
            f"Objective: {objective[row] / n_train:.6f}"
        )
    print(f"Total training time: {time.perf_counter() - started:.2f} seconds.")


def _epoch(X, problems, coef, intercept, active, settings, rng, sizer, l1):
    """One epoch of the ``active`` problems; write their weights back."""
    order = problems.train_idx
    if settings["shuffle"]:
        order = rng.permutation(order)
    sub_coef, sub_intercept = coef[active], intercept[active]
    if l1 is not None:
        l1.rows = active
    if isinstance(settings["penalty"], SupportNorms):
        settings["penalty"].rows = active
    loss, objective = perceptron_epoch(
        X,
        order,
        sub_coef,
        sub_intercept,
        problems.y_sign[active],
        problems.signed_step[active],
        shrink=settings["shrink"],
        intercept_step=settings["intercept_step"],
        sizer=sizer,
        l1=l1,
        penalty=settings["penalty"],
    )
    coef[active], intercept[active] = sub_coef, sub_intercept
    return loss, objective


def _check_finite(coef, intercept, epoch):
    if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
        raise ValueError(
            f"Floating-point under-/overflow occurred at epoch #{epoch + 1}. "
            "Scaling input data with StandardScaler or MinMaxScaler might help."
        )


def _epoch_tools(X, coef, settings, needs_objective):
    """The window sizer, the L1 truncation and the settings for one training run.

    The penalty part of the objective is only summed when something reads it
    (the stopping rule on the training objective, or ``verbose``): with
    ``tol=None`` or early stopping it is skipped.  On sparse input it follows
    scikit-learn's tracked norms (:class:`SupportNorms`), restarted at every
    run as its are.
    """
    sizer = WindowSizer(max_length=default_max_length(X))
    l1 = None
    if settings["l1_step"]:
        l1 = L1Truncation(coef.shape, settings["l1_step"], coef.dtype)
        # The L1 truncation comes once per window: short windows keep it
        # close to scikit-learn's per-sample truncation.
        sizer = WindowSizer(
            length=L1_MAX_WINDOW, min_length=16, max_length=L1_MAX_WINDOW
        )
    if not needs_objective:
        settings = {**settings, "penalty": None}
    elif settings["penalty"] is not None and sp.issparse(X):
        settings = {**settings, "penalty": SupportNorms(coef, settings["penalty"])}
    return sizer, l1, settings


def _train_sequential(X, problems, coef, intercept, settings, rng):
    """Run the epochs for a group of problems; ``coef``/``intercept`` in place."""
    n_problems, n_train = coef.shape[0], problems.train_idx.shape[0]
    state = _StoppingState(n_problems, settings["tol"], settings["n_iter_no_change"])
    n_iter = np.zeros(n_problems, dtype=int)
    active = np.arange(n_problems)
    needs_objective = settings["verbose"] or (
        problems.val_idx is None and settings["tol"] is not None
    )
    sizer, l1, settings = _epoch_tools(X, coef, settings, needs_objective)
    started = time.perf_counter()
    for epoch in range(settings["max_iter"]):
        loss, objective = _epoch(
            X, problems, coef, intercept, active, settings, rng, sizer, l1
        )
        n_iter[active] = epoch + 1
        if settings["verbose"]:
            seen = (epoch + 1) * n_train
            _report(epoch, coef[active], intercept[active], loss, objective, seen,
                    n_train, started)  # fmt: skip
        _check_finite(coef[active], intercept[active], epoch)
        if problems.val_idx is not None:
            scale = validation_intercept_scale(
                settings["shrink"], (epoch + 1) * n_train, coef.dtype
            )
            score = _validation_accuracy(
                X, problems.subset(active), coef[active], intercept[active], scale
            )
            stopped = state.update(active, -score)
        else:
            stopped = state.update(active, objective / n_train)
        if stopped.size:
            active = active[~np.isin(active, stopped)]
        if active.size == 0:
            if settings["verbose"]:
                print(f"Convergence after {epoch + 1} epochs took "
                      f"{time.perf_counter() - started:.2f} seconds")  # fmt: skip
            break
    return n_iter


def train_problems(X, problems, coef, intercept, settings, rng, n_jobs=None):
    """Train every one-vs-all problem with the exact per-sample rule.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
        Training data (validation samples included; they are never trained on).
    problems : ProblemSet
        Targets, update sizes and the train/validation split.
    coef : ndarray of shape (n_problems, n_features)
        Initial weights; updated in place.
    intercept : ndarray of shape (n_problems,)
        Initial biases; updated in place.
    settings : dict
        ``max_iter``, ``tol``, ``n_iter_no_change``, ``shuffle``, ``shrink``,
        ``l1_step``, ``intercept_step``, ``verbose``.
    rng : SklearnShuffle, OneVsAllShuffles or numpy.random.Generator
        Shuffles the epochs (see :func:`epoch_shuffler`).
    n_jobs : int or None
        Groups of problems trained in parallel threads (joblib).

    Returns
    -------
    n_iter : ndarray of shape (n_problems,)
        Epochs run per problem.
    """
    n_groups = min(effective_n_jobs(n_jobs), coef.shape[0])
    if n_groups <= 1:
        return _train_sequential(X, problems, coef, intercept, settings, rng)
    groups = np.array_split(np.arange(coef.shape[0]), n_groups)

    def run(rows, shuffler):
        sub_coef, sub_intercept = coef[rows], intercept[rows]
        n_iter = _train_sequential(
            X,
            problems.subset(rows),
            sub_coef,
            sub_intercept,
            settings,
            shuffler,
        )
        return rows, sub_coef, sub_intercept, n_iter

    results = Parallel(n_jobs=n_groups, prefer="threads")(
        delayed(run)(rows, shuffler)
        for rows, shuffler in zip(groups, group_shufflers(rng, groups))
    )
    n_iter = np.zeros(coef.shape[0], dtype=int)
    for rows, sub_coef, sub_intercept, group_iter in results:
        coef[rows], intercept[rows], n_iter[rows] = sub_coef, sub_intercept, group_iter
    return n_iter
