"""One epoch of :func:`skdeep.nn.train` and the bookkeeping around it."""

from __future__ import annotations

import math
import time

import numpy as np


def _as_batches(n_samples, batch_size):
    starts = range(0, n_samples, batch_size)
    return [slice(start, min(start + batch_size, n_samples)) for start in starts]


def _run_epoch(network, loss, optimizer, data, batch_size, epoch, order=None):
    """One pass over ``data = (X, y, w)``; returns the weighted mean batch loss.

    With ``order`` (a permutation of the rows), batch ``b`` holds the rows
    ``order[b]``, gathered just before use: the batch is then still in the
    cache for the first matrix product, and no shuffled copy of the whole
    data set is made.
    """
    X, y, w = data
    parameters = network.parameters()
    total_loss = 0.0
    total_weight = 0.0
    for batch_index, batch in enumerate(_as_batches(X.shape[0], batch_size)):
        Xb, yb, wb = _batch(X, y, w, batch if order is None else order[batch])
        weight = float(batch.stop - batch.start) if wb is None else float(wb.sum())
        if weight == 0.0:
            continue  # a batch of zero-weight samples carries no information
        raw = network.forward(Xb, training=True)
        value, grad = loss.value_and_gradient(yb, raw, wb)
        network.backward_params(grad)
        value += optimizer.penalty(parameters, weight)
        if not math.isfinite(value):
            raise ValueError(
                f"The loss became non-finite ({value}) at epoch {epoch}, batch "
                f"{batch_index + 1}. Lower the learning rate, scale the inputs "
                "(e.g. StandardScaler) or clip gradients (clipnorm/clipvalue)."
            )
        optimizer.step(parameters, n_samples=weight, consume_gradients=True)
        total_loss += value * weight
        total_weight += weight
    return total_loss / total_weight if total_weight else 0.0


def _batch(X, y, w, rows):
    """``(X, y, w)`` at ``rows``: a slice (views) or an index array (copies)."""
    if isinstance(rows, slice):
        return X[rows], y[rows], None if w is None else w[rows]
    # ``take`` gathers rows about twice as fast as fancy indexing.
    Xb = X.take(rows, axis=0) if isinstance(X, np.ndarray) else X[rows]
    return Xb, y.take(rows, axis=0), None if w is None else w.take(rows)


def _validate(network, loss, validation, validation_scorer, history):
    X_val, y_val, sw_val = validation
    raw = network.forward(X_val, training=False)
    history.val_loss.append(float(loss.value(y_val, raw, sw_val)))
    if validation_scorer is not None:
        history.val_score.append(float(validation_scorer(y_val, raw, sw_val)))


def _progress_line(history):
    line = f"Iteration {history.n_epochs}, loss = {history.loss[-1]:.8f}"
    if history.val_loss:
        line += f" - val_loss = {history.val_loss[-1]:.8f}"
    if history.val_score:
        line += f" - val_score = {history.val_score[-1]:.8f}"
    return line + f" - {history.seconds[-1]:.2f}s"


def _end_of_epoch(network, optimizer, schedule, early_stopping, history, verbose):
    """Stopping rule then schedule; returns True to stop."""
    stop = False
    if early_stopping is not None and early_stopping.update(history, network):
        on_plateau = getattr(schedule, "on_plateau", None)
        if on_plateau is not None and on_plateau(optimizer):
            history.no_improvement_count = 0
            if verbose:
                print(f"Setting learning rate to {optimizer.learning_rate:f}")
        else:
            history.stopped = stop = True
            if verbose:
                print(early_stopping.message() + " Stopping.")
    if schedule is not None:
        optimizer.learning_rate = schedule(history.n_epochs - 1, history)
    return stop


def _start_schedule(schedule, optimizer):
    """Set the schedule's own initial rate, if it has one, before the first epoch."""
    initial_rate = getattr(schedule, "initial_rate", None)
    rate = initial_rate() if initial_rate is not None else None
    if rate is not None:
        optimizer.learning_rate = rate


def _record_epoch(
    history, epoch_loss, n_samples, start, verbose, network, loss, scoring
):
    """Append the finished epoch (loss, validation, time) to ``history``.

    ``scoring`` is ``(validation, validation_scorer)`` as given to ``train``.
    """
    validation, validation_scorer = scoring
    history.samples_seen += n_samples
    history.n_epochs += 1
    history.loss.append(np.float64(epoch_loss))  # sklearn's loss_curve_ type
    if validation is not None:
        _validate(network, loss, validation, validation_scorer, history)
    history.seconds.append(time.perf_counter() - start)
    if verbose:
        print(_progress_line(history))
