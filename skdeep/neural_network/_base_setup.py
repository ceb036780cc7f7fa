"""Turn estimator hyper-parameters into training pieces of :mod:`skdeep.nn`.

Every network estimator (MLP today, CNN/RNN later) shares these factories:
optimizer, learning-rate schedule, stopping criterion, batch size and the
validation split used by early stopping.
"""

from __future__ import annotations

import copy
import inspect
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ..nn import EarlyStopping, get_optimizer, get_schedule
from ..nn.lbfgs import train_lbfgs

__all__ = [
    "SKLEARN_SCHEDULES",
    "lbfgs_convergence_message",
    "recover_best_weights",
    "make_early_stopping",
    "make_optimizer",
    "make_schedule",
    "resolve_batch_size",
    "run_lbfgs",
    "split_validation",
]

# scikit-learn's three ``learning_rate`` values; its Adam solver ignores them.
SKLEARN_SCHEDULES = ("constant", "invscaling", "adaptive")


def _accepted(callable_, kwargs):
    """Keep the keyword arguments ``callable_`` names explicitly."""
    names = set(inspect.signature(callable_).parameters)
    return {k: v for k, v in kwargs.items() if k in names}


def solver_name(estimator):
    """Lower-case name of the estimator's solver (class name for objects)."""
    solver = estimator.solver
    return solver if isinstance(solver, str) else type(solver).__name__.lower()


_RULE_PARAMETERS = {
    "momentum": "momentum",
    "nesterov": "nesterovs_momentum",
    "beta_1": "beta_1",
    "beta_2": "beta_2",
    "epsilon": "epsilon",
}


def make_optimizer(estimator):
    """Build the optimizer described by ``estimator``'s hyper-parameters.

    ``solver`` is an optimizer name of :func:`skdeep.nn.get_optimizer` or an
    :class:`skdeep.nn.Optimizer` instance (deep-copied, never mutated).
    sklearn's momentum/Adam parameters are passed to the rules that take them.
    """
    if not isinstance(estimator.solver, str):
        return copy.deepcopy(estimator.solver)
    base = {
        "learning_rate": float(estimator.learning_rate_init),
        "l2": float(getattr(estimator, "alpha", 0.0)),
        "l1": float(getattr(estimator, "l1", 0.0)),
        "clipnorm": getattr(estimator, "clipnorm", None),
        "clipvalue": getattr(estimator, "clipvalue", None),
        "max_norm": getattr(estimator, "max_norm", None),
    }
    # An estimator without some of sklearn's rule parameters (a future CNN,
    # say) leaves the optimizer's own defaults in place.
    rule = {
        name: getattr(estimator, attribute)
        for name, attribute in _RULE_PARAMETERS.items()
        if hasattr(estimator, attribute)
    }
    optimizer_class = type(get_optimizer(estimator.solver))
    return optimizer_class(**base, **_accepted(optimizer_class, rule))


def make_schedule(estimator):
    """Build the learning-rate schedule, or None for a constant rate.

    ``learning_rate`` is a schedule name of :func:`skdeep.nn.get_schedule`
    (extra arguments from ``learning_rate_params``) or a schedule object
    (deep-copied). As in scikit-learn, the Adam solver ignores the three
    sklearn names, so ``solver="adam"`` results stay identical to sklearn's.
    """
    spec = estimator.learning_rate
    if not isinstance(spec, str):
        return copy.deepcopy(spec)
    params = dict(getattr(estimator, "learning_rate_params", None) or {})
    if spec in SKLEARN_SCHEDULES and solver_name(estimator) == "adam":
        return None
    if spec == "constant" and not params:
        return None
    schedule_class = type(get_schedule(spec))
    defaults = {
        "learning_rate": float(estimator.learning_rate_init),
        "max_learning_rate": float(estimator.learning_rate_init),
        "power_t": getattr(estimator, "power_t", 0.5),
        "total_epochs": estimator.max_iter,
    }
    return schedule_class(**{**_accepted(schedule_class, defaults), **params})


def make_early_stopping(estimator, *, monitor, restore_best=True):
    """sklearn's stopping rule: ``n_iter_no_change`` epochs without ``tol`` gain."""
    return EarlyStopping(
        monitor=monitor,
        patience=estimator.n_iter_no_change,
        tol=estimator.tol,
        restore_best=restore_best,
    )


def resolve_batch_size(batch_size, n_samples):
    """``"auto"`` is ``min(200, n_samples)``; larger sizes are clipped (warning)."""
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warnings.warn(
            "Got `batch_size` less than 1 or larger than sample size. It is going "
            "to be clipped",
            stacklevel=2,
        )
    return int(np.clip(batch_size, 1, n_samples))


def split_validation(X, Y, sample_weight, *, fraction, random_state, stratify):
    """Hold out ``fraction`` of the samples for early stopping.

    Returns ``(X_train, Y_train, sw_train), (X_val, Y_val, sw_val)``; the
    weights are None when ``sample_weight`` is None. ``stratify`` is None or
    the labels to stratify on (sklearn stratifies single-output classifiers).
    """
    arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
    parts = train_test_split(
        *arrays,
        random_state=random_state,
        test_size=fraction,
        stratify=stratify,
    )
    train, val = parts[0::2], parts[1::2]
    if val[0].shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' or "
            "the size of your dataset."
        )
    if sample_weight is None:
        return (*train, None), (*val, None)
    return tuple(train), tuple(val)


def recover_best_weights(network, history, early_stopping, error):
    """After a diverging epoch, fall back on the best validated weights.

    Only possible with a validation monitor that saved weights; the diverged
    epoch is recorded with NaN values (as sklearn records a NaN score) and a
    ConvergenceWarning explains what happened. Returns False otherwise.
    """
    if early_stopping is None or not early_stopping.uses_validation:
        return False
    if not (early_stopping.restore_best and history.best_weights):
        return False
    network.set_weights(history.best_weights)
    network.clear_cache()
    history.n_epochs += 1
    for name in ("loss", "val_loss", "val_score"):
        getattr(history, name).append(np.nan)
    history.seconds.append(0.0)
    history.stopped = True
    warnings.warn(
        f"{error} Training stopped there and the weights of the best validation "
        "epoch were restored.",
        ConvergenceWarning,
        stacklevel=2,
    )
    return True


def lbfgs_convergence_message(result, n_iter, max_iter):
    """sklearn's ConvergenceWarning text for an unconverged L-BFGS run."""
    message = (
        f"lbfgs failed to converge after {n_iter} iteration(s) "
        f"(status={result.status}):\n{result.message}\n"
    )
    if n_iter == max_iter:
        message += (
            "\nIncrease the number of iterations to improve the "
            f"convergence (max_iter={max_iter})."
        )
    return message + (
        "\nYou might also want to scale the data as shown in:\n"
        "    https://scikit-learn.org/stable/modules/preprocessing.html"
    )


def run_lbfgs(estimator, network, loss, data, history):
    """Fit ``network`` with L-BFGS; return (fitted-attribute dict, warnings)."""
    X, Y, sample_weight = data
    result = train_lbfgs(
        network,
        loss,
        X,
        Y,
        sample_weight=sample_weight,
        l2=float(estimator.alpha),
        l1=float(getattr(estimator, "l1", 0.0)),
        max_iter=estimator.max_iter,
        max_fun=estimator.max_fun,
        tol=estimator.tol,
        verbose=int(estimator.verbose),
        history=history,
    )
    n_iter = min(int(result.nit), estimator.max_iter)
    notices = []
    if result.status != 0:
        notices.append(lbfgs_convergence_message(result, n_iter, estimator.max_iter))
    curve = list(history.loss)  # np.float64 values, as scikit-learn's
    state = {
        "_optimizer": None,
        "_schedule": None,
        "n_iter_": n_iter,
        "t_": 0,
        "loss_": np.float64(result.fun),
        "loss_curve_": curve,
        "best_loss_": min(curve) if curve else np.float64(result.fun),
        "validation_scores_": None,
        "best_validation_score_": None,
    }
    return state, notices
