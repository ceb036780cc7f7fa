"""The one training loop of every skdeep network: :func:`train`.

Estimators (MLP, Perceptron, CNN, RNN) build a network, a loss and an
optimizer and hand them to :func:`train`; ``partial_fit`` is one epoch with the
optimizer and :class:`History` kept on the estimator.
"""

from __future__ import annotations

import copy
import math
import time

import numpy as np

from ._training_epoch import (
    _batch,
    _end_of_epoch,
    _record_epoch,
    _run_epoch,
    _start_schedule,
)

__all__ = ["History", "EarlyStopping", "train"]


# History's per-epoch records: lists of Python floats.
_FLOAT_LISTS = frozenset({"loss", "val_loss", "val_score", "learning_rate", "seconds"})


class History:
    """What happened during training, epoch by epoch.

    Attributes
    ----------
    loss, val_loss, val_score, learning_rate, seconds : list of float
        One entry per epoch (``val_*`` only when a validation set is given;
        ``learning_rate`` is the rate used during the epoch).  The training
        losses are ``np.float64``, as in scikit-learn's ``loss_curve_``.
    samples_seen : int
        Training samples processed so far (scikit-learn's ``t_``).
    n_epochs : int
    best_loss, best_val_loss : float
        Lowest values seen (``inf`` before any).
    best_val_score : float
        Highest validation score seen (``-inf`` before any).
    best_epoch : int or None
        0-based epoch of the best monitored value.
    no_improvement_count : int
        Consecutive epochs without improvement, as the stopping rule counts.
    stopped : bool
        True when the early-stopping criterion ended training.
    interrupted : bool
        True when a callback ended training.

    Examples
    --------
    >>> History().as_dict()["loss"]
    []
    """

    def __init__(self):
        self.loss = []
        self.val_loss = []
        self.val_score = []
        self.learning_rate = []
        self.seconds = []
        self.samples_seen = 0
        self.n_epochs = 0
        self.best_loss = math.inf
        self.best_val_loss = math.inf
        self.best_val_score = -math.inf
        self.best_epoch = None
        self.no_improvement_count = 0
        self.stopped = False
        self.interrupted = False
        self.best_weights = None

    def as_dict(self):
        """All recorded lists and scalars (the saved best weights excluded)."""
        return {k: v for k, v in vars(self).items() if k != "best_weights"}

    def __getstate__(self):
        # Saved best weights only matter while training; keep pickles small.
        return self.as_dict() | {"best_weights": None}

    def __deepcopy__(self, memo):
        # In-process copies (e.g. an estimator protecting its fitted state)
        # keep the saved best weights so continued training can restore them.
        # The per-epoch lists hold floats: copying the lists copies them
        # deeply, at C speed (deepcopy visited every float, so each
        # partial_fit of a long-lived model cost time in its epoch count).
        clone = History.__new__(History)
        for name, value in vars(self).items():
            if name in _FLOAT_LISTS and type(value) is list:
                value = list(value)
            else:
                value = copy.deepcopy(value, memo)
            clone.__dict__[name] = value
        return clone

    def __repr__(self):
        return f"History(n_epochs={self.n_epochs}, loss={self.loss[-3:]!r}...)"


class EarlyStopping:
    """scikit-learn's stopping rule, optionally on a validation set.

    Parameters
    ----------
    monitor : {"loss", "val_score", "val_loss"}, default="loss"
        Quantity watched. ``"loss"`` is the training loss (scikit-learn's
        ``early_stopping=False``), ``"val_score"`` the validation score
        (``early_stopping=True``), ``"val_loss"`` the validation loss.
    patience : int, default=10
        Epochs without improvement tolerated (``n_iter_no_change``); training
        stops (or an adaptive schedule lowers the rate) when the count exceeds it.
    tol : float or None, default=1e-4
        Minimum improvement; ``None`` disables the criterion.
    restore_best : bool, default=True
        With a validation monitor, restore the weights of the best epoch when
        training ends.

    Examples
    --------
    >>> EarlyStopping(monitor="val_score", patience=5).monitor
    'val_score'
    """

    def __init__(self, monitor="loss", patience=10, tol=1e-4, restore_best=True):
        if monitor not in ("loss", "val_score", "val_loss"):
            raise ValueError(
                f"monitor must be 'loss', 'val_score' or 'val_loss', got {monitor!r}."
            )
        self.monitor = monitor
        self.patience = patience
        self.tol = tol
        self.restore_best = restore_best

    @property
    def uses_validation(self):
        return self.monitor != "loss"

    def update(self, history, network):
        """Update counter and bests from the last epoch; True if patience ran out."""
        if self.tol is None:
            return False
        epoch = history.n_epochs - 1
        if self.monitor == "val_score":
            score = history.val_score[-1]
            worse = score < history.best_val_score + self.tol
            if score > history.best_val_score:
                history.best_val_score = score
                self._new_best(history, network, epoch)
        else:
            key = "best_loss" if self.monitor == "loss" else "best_val_loss"
            value = history.loss[-1] if self.monitor == "loss" else history.val_loss[-1]
            best = getattr(history, key)
            worse = value > best - self.tol
            if value < best:
                setattr(history, key, value)
                self._new_best(history, network, epoch)
        history.no_improvement_count = history.no_improvement_count + 1 if worse else 0
        return history.no_improvement_count > self.patience

    def _new_best(self, history, network, epoch):
        history.best_epoch = epoch
        if self.restore_best and self.uses_validation:
            history.best_weights = network.get_weights()

    def restore(self, history, network):
        """Put the best epoch's weights back (validation monitors only)."""
        if self.restore_best and self.uses_validation and history.best_weights:
            network.set_weights(history.best_weights)

    def message(self):
        what = (
            "Validation score"
            if self.monitor == "val_score"
            else ("Training loss" if self.monitor == "loss" else "Validation loss")
        )
        return (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.patience} consecutive epochs."
        )


def _in_network_dtype(network, X, y, sample_weight, validation):
    """Cast float inputs once to the network's dtype (float32 stays float32).

    Dense arrays also become C-contiguous: batches are gathered with
    ``take``, which copies a non-C-contiguous array whole on every call (a
    Fortran-ordered ``X``, as pandas often hands over, made epochs ~8x
    slower).
    """
    dtype = getattr(network, "dtype", None)

    def cast(array):
        if array is None or not hasattr(array, "dtype"):
            return array
        target = array.dtype
        if dtype is not None and array.dtype.kind == "f":
            target = dtype
        if isinstance(array, np.ndarray):
            return np.ascontiguousarray(array, dtype=target)
        return array if target == array.dtype else array.astype(target)

    if validation is not None:
        X_val, y_val, sw_val = validation
        validation = (cast(X_val), cast(y_val), cast(sw_val))
    return cast(X), cast(y), cast(sample_weight), validation


def _check_training_inputs(X, y, sample_weight, early_stopping, validation, scorer):
    if X.shape[0] == 0:
        raise ValueError("Cannot train on 0 samples.")
    if len(y) != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {len(y)}.")
    if sample_weight is not None and len(sample_weight) != X.shape[0]:
        raise ValueError(
            f"sample_weight has {len(sample_weight)} entries for {X.shape[0]} samples."
        )
    if early_stopping is not None and early_stopping.uses_validation:
        if validation is None:
            raise ValueError(f"monitor={early_stopping.monitor!r} needs validation.")
        if early_stopping.monitor == "val_score" and scorer is None:
            raise ValueError("monitor='val_score' needs a validation_scorer.")


def _epoch_order(rng, n_samples, previous):
    """The rows' visiting order of the next epoch (see ``rng`` in :func:`train`)."""
    if isinstance(rng, np.random.RandomState):
        permutation = rng.permutation(n_samples)
        return permutation if previous is None else previous[permutation]
    return rng.permutation(n_samples)


def _epoch_data(arrays, order):
    """``(data, rows)`` for :func:`_run_epoch`: dense batches gather their
    ``rows`` of ``order`` when used; sparse rows are copied shuffled once
    (scipy's indexing costs per call)."""
    if order is None or isinstance(arrays[0], np.ndarray):
        return arrays, order
    return _batch(*arrays, order), None


def train(
    network,
    loss,
    optimizer,
    X,
    y,
    *,
    sample_weight=None,
    batch_size=200,
    max_epochs=200,
    shuffle=True,
    rng,
    schedule=None,
    early_stopping=None,
    validation=None,
    validation_scorer=None,
    callbacks=(),
    verbose=0,
    history=None,
):
    """Train a built network by mini-batch gradient descent.

    Each epoch optionally shuffles the data (each mini-batch gathers its rows
    of one permutation per epoch), and per mini-batch runs forward, the loss
    and its gradient, backward and one optimizer step. After each epoch it records the
    epoch loss (weighted mean of the batch losses including the penalty, as
    scikit-learn's ``loss_curve_``), the validation loss/score, applies the
    stopping rule and the schedule, and calls the callbacks.  The optimizer
    may use the gradient arrays as scratch space (``consume_gradients``), so
    after a step the parameters' ``grad`` hold no gradient: call
    ``network.backward`` to inspect one.

    Parameters
    ----------
    network : Layer
        A built network (usually a :class:`~skdeep.nn.Sequential`).
    loss : Loss
        Loss on the network's raw outputs.
    optimizer : Optimizer
    X : ndarray or sparse matrix of shape (n_samples, ...)
    y : ndarray of shape (n_samples, n_outputs) or (n_samples,)
        Targets in the loss's encoding.
    sample_weight : ndarray of shape (n_samples,), default=None
    batch_size : int, default=200
        Clipped to ``[1, n_samples]``: ``n_samples`` is batch gradient descent,
        1 is stochastic gradient descent.
    max_epochs : int, default=200
        Epochs to run in this call at most.
    shuffle : bool, default=True
    rng : numpy.random.Generator or numpy.random.RandomState
        Used for shuffling (keyword-only, required).  A Generator draws each
        epoch's order afresh; a RandomState shuffles as scikit-learn's MLP
        does (each epoch permutes the previous epoch's order by
        ``rng.permutation``), so the same state gives the same batches.
    schedule : callable or None, default=None
        ``(epoch, history) -> learning_rate`` applied after each epoch.
    early_stopping : EarlyStopping or None, default=None
    validation : tuple (X_val, y_val, sample_weight_val or None), default=None
    validation_scorer : callable or None, default=None
        ``(y_val, raw_val, sample_weight_val) -> float``, higher is better.
    callbacks : sequence of callables, default=()
        ``callback(epoch, history, network)``; a truthy return stops training.
    verbose : int, default=0
        ``>= 1`` prints one ``"Iteration ..."`` line per epoch.
    history : History or None, default=None
        Continue this history (``partial_fit``/``warm_start``); a new one if None.

    Returns
    -------
    History

    Raises
    ------
    ValueError
        When the loss becomes non-finite (naming epoch and batch), or on
        inconsistent inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Adam, Dense, Sequential, SquaredError, train
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 3)); y = X @ np.array([[1.0], [2.0], [3.0]])
    >>> net = Sequential([Dense(1)]); _ = net.build((3,), rng)
    >>> history = train(net, SquaredError(), Adam(0.1), X, y, max_epochs=50, rng=rng)
    >>> bool(history.loss[-1] < 0.1 * history.loss[0])
    True
    """
    _check_training_inputs(
        X, y, sample_weight, early_stopping, validation, validation_scorer
    )
    X, y, sample_weight, validation = _in_network_dtype(
        network, X, y, sample_weight, validation
    )
    history = History() if history is None else history
    history.stopped = history.interrupted = False
    n_samples = X.shape[0]
    batch_size = int(min(max(batch_size, 1), n_samples))
    if schedule is not None and history.n_epochs == 0:
        _start_schedule(schedule, optimizer)
    arrays, scoring = (X, y, sample_weight), (validation, validation_scorer)
    order = None
    try:
        for _ in range(max_epochs):
            start = time.perf_counter()
            history.learning_rate.append(optimizer.learning_rate)
            order = _epoch_order(rng, n_samples, order) if shuffle else None
            data, rows = _epoch_data(arrays, order)
            epoch_loss = _run_epoch(
                network, loss, optimizer, data, batch_size, history.n_epochs + 1, rows
            )
            _record_epoch(
                history, epoch_loss, n_samples, start, verbose, network, loss, scoring
            )
            stop = _end_of_epoch(
                network, optimizer, schedule, early_stopping, history, verbose
            )
            for callback in callbacks:
                if callback(history.n_epochs - 1, history, network):
                    history.interrupted = stop = True
            if stop:
                break
        if early_stopping is not None:
            early_stopping.restore(history, network)
    finally:
        network.clear_cache()
    return history
