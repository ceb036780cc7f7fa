"""Set-up of a perceptron fit: initial weights, one-vs-all targets, validation split."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit

from ._perceptron_fit import ProblemSet

__all__ = ["initial_parameters", "make_problems", "validation_split"]


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
    signed_step = (eta0 * y_sign * weight * sample_weight).astype(dtype)
    train_idx = np.arange(y.shape[0])
    if val_idx is not None:
        train_idx = np.setdiff1d(train_idx, val_idx)
    return ProblemSet(y_sign, signed_step, train_idx, val_idx, sample_weight)
