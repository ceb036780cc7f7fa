"""Mini-batch perceptron (``batch_size > 1``) on the shared :mod:`skdeep.nn` backend.

The threshold units are a :class:`skdeep.nn.Dense` layer (kernel = ``coef_.T``,
bias = ``intercept_``), the loss is :class:`skdeep.nn.PerceptronLoss`, the
update is :class:`skdeep.nn.SGD` with the constant rate ``eta0`` and the
penalty lives in the optimizer; :func:`skdeep.nn.train` runs the epochs.

Each step moves the weights by ``eta0`` times the batch mean of the
mistakes' ``y x`` (the perceptron-loss gradient) plus the penalty gradient
``alpha * ((1 - l1_ratio) w + l1_ratio sign(w))``.  Class and sample weights
multiply each (sample, class) term as in the per-sample rule.  Class weights
are folded into the {-1, +1} targets (a positive factor on ``y`` scales the
perceptron loss and its gradient and leaves the mistake test unchanged);
sample weights go to the loss, whose batch mean divides by their sum.  With
``batch_size >= n_samples`` a sample weight of ``k`` is therefore exactly the
same as repeating the sample ``k`` times.
"""

from __future__ import annotations

import numpy as np

from ..nn import SGD, Dense, EarlyStopping, PerceptronLoss, train

__all__ = ["train_minibatch"]


def _accuracy_scorer(y_val, raw_val, sample_weight_val):
    """Weighted accuracy of the one-vs-all prediction (targets are signed)."""
    if y_val.shape[1] == 1:
        correct = (raw_val[:, 0] > 0) == (y_val[:, 0] > 0)
    else:
        correct = raw_val.argmax(axis=1) == y_val.argmax(axis=1)
    weight = (
        np.ones(correct.shape[0]) if sample_weight_val is None else sample_weight_val
    )
    return float(weight @ correct / weight.sum())


def _layer_from(coef, intercept, settings, rng):
    """A built :class:`Dense` layer holding ``coef.T`` and ``intercept``."""
    n_problems, n_features = coef.shape
    layer = Dense(n_problems, use_bias=settings["intercept_step"] > 0)
    layer.build((n_features,), rng, dtype=coef.dtype)
    layer.params["kernel"].value[...] = coef.T
    if "bias" in layer.params:
        layer.params["bias"].value[...] = intercept
    return layer


def _class_weighted_targets(problems, eta0, dtype):
    """Signed targets scaled by the class weights, of shape (n_samples, n_problems).

    Class weights ride on the targets (see the module docstring); sample
    weights go to the loss, which divides by their sum (so a weight of 2 is
    the same as a repeated sample when the batch is the whole data set).
    """
    sample_weight = problems.sample_weight
    scale = eta0 * np.where(sample_weight != 0, sample_weight, 1.0)
    return np.where(
        sample_weight != 0, problems.signed_step / scale, problems.y_sign
    ).T.astype(dtype)


def _penalised_sgd(settings):
    """SGD at the constant rate ``eta0`` carrying the elastic-net penalty."""
    penalised = settings["penalty"] is not None
    # The optimizer divides its penalty by the batch size; scaling by it keeps
    # alpha the coefficient of the per-sample objective.
    strength = settings["alpha"] * settings["batch_size"] if penalised else 0.0
    return SGD(
        learning_rate=settings["eta0"],
        l2=strength * (1.0 - settings["l1_ratio"]),
        l1=strength * settings["l1_ratio"],
    )


def train_minibatch(X, problems, coef, intercept, settings, rng):
    """Train ``coef``/``intercept`` in place by mini-batch SGD; return the epochs run.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    problems : ProblemSet
        Targets, update sizes (``eta0 * y * class_weight * sample_weight``) and
        the train/validation split.
    coef : ndarray of shape (n_problems, n_features)
    intercept : ndarray of shape (n_problems,)
    settings : dict
        As built by ``Perceptron._train`` (``batch_size``, ``alpha``,
        ``l1_ratio``, ``eta0``, ``max_iter``, ``tol``, ...).
    rng : numpy.random.Generator

    Returns
    -------
    n_iter : int
    """
    layer = _layer_from(coef, intercept, settings, rng)
    targets = _class_weighted_targets(problems, settings["eta0"], coef.dtype)
    sample_weight = problems.sample_weight
    train_idx, val_idx = problems.train_idx, problems.val_idx
    optimizer = _penalised_sgd(settings)
    stopping = EarlyStopping(
        monitor="val_score" if val_idx is not None else "loss",
        patience=settings["n_iter_no_change"] - 1,
        tol=settings["tol"],
        restore_best=False,
    )
    validation = None
    if val_idx is not None:
        validation = (X[val_idx], targets[val_idx], problems.sample_weight[val_idx])
    history = train(
        layer,
        PerceptronLoss(),
        optimizer,
        X[train_idx],
        targets[train_idx],
        sample_weight=sample_weight[train_idx],
        batch_size=settings["batch_size"],
        max_epochs=settings["max_iter"],
        shuffle=settings["shuffle"],
        rng=rng,
        early_stopping=stopping,
        validation=validation,
        validation_scorer=_accuracy_scorer if validation is not None else None,
        verbose=settings["verbose"],
    )
    coef[...] = layer.params["kernel"].value.T
    if "bias" in layer.params:
        intercept[...] = layer.params["bias"].value
    return history.n_epochs
