"""Set-up of a perceptron fit: initial weights, one-vs-all targets, validation split."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit

from ._perceptron_fit import ProblemSet

__all__ = [
    "check_partial_fit_classes",
    "initial_parameters",
    "make_problems",
    "training_settings",
    "validation_split",
]

# scikit-learn damps intercept updates on sparse input (rare features would
# otherwise drive the intercept); kept for parity.
SPARSE_INTERCEPT_DECAY = 0.01


def check_partial_fit_classes(estimator, classes, first_call):
    """The classes of a ``partial_fit`` call, with scikit-learn's first-call rules."""
    if not first_call:
        if classes is not None and not np.array_equal(
            estimator.classes_, np.unique(classes)
        ):
            raise ValueError(
                f"`classes={classes!r}` is not the same as on last call to "
                f"partial_fit, was: {estimator.classes_!r}"
            )
        return estimator.classes_
    if estimator.early_stopping:
        raise ValueError("early_stopping should be False with partial_fit")
    if estimator.class_weight == "balanced":
        raise ValueError(
            "class_weight 'balanced' is not supported for partial_fit. "
            "Compute the weights once with sklearn.utils.compute_class_weight("
            "'balanced', classes=classes, y=y) on a representative sample of y "
            "and pass them as a dict."
        )
    if classes is None:
        raise ValueError("classes must be passed on the first call to partial_fit.")
    return np.unique(classes)


def training_settings(estimator, max_iter, *, sparse_input):
    """Everything the training loops need, derived from the hyper-parameters."""
    penalised = estimator.penalty is not None
    l1_ratio = {"l2": 0.0, "l1": 1.0}.get(estimator.penalty, estimator.l1_ratio)
    if not penalised:
        l1_ratio = 0.0
    rate_alpha = estimator.eta0 * estimator.alpha if penalised else 0.0
    intercept_step = SPARSE_INTERCEPT_DECAY if sparse_input else 1.0
    return {
        "max_iter": max_iter,
        "tol": estimator.tol,
        "n_iter_no_change": estimator.n_iter_no_change,
        "shuffle": estimator.shuffle,
        "verbose": estimator.verbose,
        # sklearn never lets the L2 shrinkage factor go negative.
        "shrink": max(0.0, 1.0 - (1.0 - l1_ratio) * rate_alpha),
        "l1_step": l1_ratio * rate_alpha,
        "intercept_step": intercept_step if estimator.fit_intercept else 0.0,
        "penalty": (estimator.alpha, l1_ratio) if penalised else None,
        "alpha": estimator.alpha,
        "l1_ratio": l1_ratio,
        "eta0": estimator.eta0,
        "batch_size": estimator.batch_size,
    }


def initial_parameters(n_classes, n_features, dtype, coef_init, intercept_init):
    """Fresh arrays for the weights: zeros or copies of the given initial values.

    Parameters
    ----------
    n_classes : int
        Number of classes (two classes share one problem).
    n_features : int
        Number of features.
    dtype : dtype
        Dtype of the training data.
    coef_init, intercept_init : array-like or None
        Initial values, shaped like ``coef_`` / ``intercept_``.

    Returns
    -------
    coef : ndarray of shape (n_problems, n_features)
    intercept : ndarray of shape (n_problems,)
    """
    n_problems = 1 if n_classes == 2 else n_classes
    coef = np.zeros((n_problems, n_features), dtype=dtype)
    intercept = np.zeros(n_problems, dtype=dtype)
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=dtype)
        if n_problems == 1:
            coef_init = coef_init.ravel()
        if coef_init.shape != (n_features,) and coef_init.shape != coef.shape:
            raise ValueError(
                f"Provided coef_init of shape {coef_init.shape} does not match the "
                f"dataset: expected {coef.shape}."
            )
        coef[...] = coef_init
    if intercept_init is not None:
        intercept_init = np.asarray(intercept_init, dtype=dtype)
        if intercept_init.size != n_problems or intercept_init.ndim > 1:
            raise ValueError(
                f"Provided intercept_init of shape {intercept_init.shape} does not "
                f"match the dataset: expected ({n_problems},)."
            )
        intercept[...] = intercept_init.ravel()
    return coef, intercept


def validation_split(estimator, y, sample_weight):
    """Stratified validation indices for ``early_stopping``, else None."""
    if not estimator.early_stopping:
        return None
    splitter = StratifiedShuffleSplit(
        test_size=estimator.validation_fraction,
        random_state=estimator.random_state,
    )
    n_samples = y.shape[0]
    try:
        idx_train, idx_val = next(splitter.split(np.zeros((n_samples, 1)), y))
    except ValueError as error:
        raise ValueError(
            f"Splitting {n_samples} samples into a train set and a validation set "
            f"with validation_fraction={estimator.validation_fraction!r} failed "
            f"({error}). Please either change validation_fraction, increase the "
            "number of samples, or disable early_stopping."
        ) from error
    if not np.any(sample_weight[idx_val] > 0):
        raise ValueError(
            "The sample weights for validation set are all zero, consider using a"
            " different random state."
        )
    if idx_train.shape[0] == 0 or idx_val.shape[0] == 0:
        raise ValueError(
            f"Splitting {n_samples} samples into a train set and a validation set "
            f"with validation_fraction={estimator.validation_fraction!r} led to an "
            f"empty set ({idx_train.shape[0]} and {idx_val.shape[0]} samples). "
            "Please either change validation_fraction, increase number of "
            "samples, or disable early_stopping."
        )
    return np.sort(idx_val)


def make_problems(y, classes, class_weight, sample_weight, eta0, val_idx):
    """One-vs-all targets in {-1, +1} and the update size of every sample.

    Two classes make one problem (``classes[1]`` positive, each side weighted
    by its own class weight).  With more classes, problem ``c`` is class ``c``
    against the rest; as in scikit-learn, only its positives carry the class
    weight.

    Returns
    -------
    problems : ProblemSet
    """
    dtype = sample_weight.dtype
    if classes.shape[0] == 2:
        positive = (y == classes[1])[None, :]
        weight = np.where(positive, class_weight[1], class_weight[0])
    else:
        positive = y[None, :] == classes[:, None]
        weight = np.where(positive, class_weight[:, None], 1.0)
    y_sign = np.where(positive, 1.0, -1.0).astype(dtype)
    # scikit-learn's update is (eta * y) * (class_weight * sample_weight):
    # the same grouping gives the same floats (the intercept sums them).
    signed_step = (eta0 * y_sign * (weight * sample_weight)).astype(dtype)
    train_idx = np.arange(y.shape[0])
    if val_idx is not None:
        train_idx = np.setdiff1d(train_idx, val_idx)
    return ProblemSet(y_sign, signed_step, train_idx, val_idx, sample_weight)
