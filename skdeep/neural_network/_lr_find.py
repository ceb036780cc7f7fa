"""Learning-rate range test ("LR finder", Smith 2017; popularised by fastai).

Train a fresh copy of the network for a few hundred mini-batch steps while the
learning rate grows exponentially from tiny to huge, and watch the loss: it
first barely moves, then falls quickly, then explodes. A good rate sits about
ten times below the one where the (smoothed) loss is lowest, i.e. just before
it starts to climb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.utils import check_random_state

from ..nn import History, train
from ..utils._param_validation import validate_parameter_constraints
from ._base_setup import make_optimizer, resolve_batch_size

__all__ = ["LRFindResult", "lr_find"]


@dataclass
class LRFindResult:
    """Outcome of :func:`lr_find`.

    Parameters
    ----------
    learning_rates, losses, smoothed_losses, suggested_learning_rate, diverged
        Stored as the attributes of the same names.

    Attributes
    ----------
    learning_rates : ndarray of shape (n_steps_run,)
        Rate used at each step.
    losses : ndarray of shape (n_steps_run,)
        Mini-batch training loss at each step.
    smoothed_losses : ndarray of shape (n_steps_run,)
        Bias-corrected exponential moving average of ``losses``.
    suggested_learning_rate : float
        A tenth of the rate with the lowest smoothed loss.
    diverged : bool
        Whether the sweep stopped early because the loss exploded.

    Examples
    --------
    >>> import numpy as np
    >>> result = LRFindResult(np.array([0.1, 1.0]), np.array([2.0, 1.0]),
    ...                       np.array([2.0, 1.5]), 0.1)
    >>> result.suggested_learning_rate
    0.1
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggested_learning_rate: float
    diverged: bool = field(default=False)

    def plot(self, ax=None):
        """Plot loss against learning rate (log x-axis); needs matplotlib.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw (the current Axes by default).

        Returns
        -------
        ax : matplotlib Axes
        """
        import matplotlib.pyplot as plt

        ax = ax or plt.gca()
        ax.plot(self.learning_rates, self.smoothed_losses, label="smoothed loss")
        ax.axvline(self.suggested_learning_rate, ls="--", c="k", label="suggested")
        ax.set(xscale="log", xlabel="learning rate", ylabel="training loss")
        ax.legend()
        return ax


class LRFindMixin:
    """The ``lr_find`` method of the neural estimators."""

    def lr_find(self, X, y, **kwargs):
        """Learning-rate range test on a clone; this estimator is left untouched.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        **kwargs
            The sweep's settings, as in :func:`skdeep.neural_network.lr_find`.

        Returns
        -------
        LRFindResult
        """
        return lr_find(self, X, y, **kwargs)


def _smooth(losses, beta):
    average, smoothed = 0.0, []
    for step, value in enumerate(losses, start=1):
        average = beta * average + (1 - beta) * value
        smoothed.append(average / (1 - beta**step))
    return np.asarray(smoothed)


def _prepare(estimator, X, y, sample_weight):
    """Validated data and a freshly initialised network, as ``fit`` makes them."""
    validate_parameter_constraints(
        estimator._parameter_constraints,
        estimator.get_params(deep=False),
        caller_name=type(estimator).__name__,
    )
    if estimator.solver == "lbfgs":
        raise ValueError(
            "lr_find needs a stochastic solver; solver='lbfgs' has no learning rate."
        )
    estimator._check_params()
    X, y = estimator._validate_fit_data(X, y, reset=True)
    X = X.tocsr() if sp.issparse(X) else X
    Y, head = estimator._encode_targets(
        y, X.dtype, continuing=False, incremental=False, classes=None
    )
    weights = estimator._combined_sample_weight(sample_weight, X, y, head, False)
    random_state = check_random_state(estimator.random_state)
    from ._base import _generator_from

    rng = _generator_from(random_state)
    network = estimator._new_network(X.shape[1:], Y.shape[1], X.dtype, rng)
    estimator._initialize_weights(network, random_state)
    loss = estimator._make_loss(Y.shape[1], head)
    if getattr(loss, "clip_proba", False):
        # The sweep watches the loss explode: the exact value, not the
        # clipped one reported by fit, whose terms stop growing at -log(eps).
        loss.clip_proba = False
    return X, Y, weights, network, loss, rng


def _train_step(network, loss, optimizer, data, batch, rate, rng, history):
    """One mini-batch step at ``rate``; its loss, or None if it was non-finite."""
    X, Y, weights = data
    optimizer.learning_rate = float(rate)
    try:
        train(
            network,
            loss,
            optimizer,
            X[batch],
            Y[batch],
            sample_weight=None if weights is None else weights[batch],
            batch_size=len(batch),
            max_epochs=1,
            shuffle=False,
            rng=rng,
            history=history,
        )
    except ValueError:
        return None
    return history.loss[-1]


def lr_find(
    estimator,
    X,
    y,
    *,
    sample_weight=None,
    start_learning_rate=1e-6,
    end_learning_rate=10.0,
    n_steps=200,
    batch_size=None,
    smoothing=0.98,
    divergence_factor=4.0,
):
    """Learning-rate range test for any skdeep network estimator.

    A clone of ``estimator`` (so the estimator itself, fitted or not, is left
    untouched) is trained for ``n_steps`` mini-batch steps while the learning
    rate grows geometrically from ``start_learning_rate`` to
    ``end_learning_rate``; the test stops early once the smoothed loss exceeds
    ``divergence_factor`` times its minimum or becomes non-finite.

    Parameters
    ----------
    estimator : skdeep network estimator
        With a stochastic ``solver`` (its optimizer and penalties are used).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), default=None
    start_learning_rate, end_learning_rate : float, default=1e-6, 10.0
        Range of the exponential sweep.
    n_steps : int, default=200
        Number of mini-batch steps (the data is cycled through as needed).
    batch_size : int, default=None
        Mini-batch size; None uses the estimator's ``batch_size``.
    smoothing : float, default=0.98
        Decay of the exponential moving average of the loss.
    divergence_factor : float, default=4.0
        Stop when the smoothed loss exceeds this multiple of its minimum.

    Returns
    -------
    result : LRFindResult
        ``learning_rates``, ``losses``, ``smoothed_losses`` and
        ``suggested_learning_rate``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import scale
    >>> from skdeep.neural_network import MLPClassifier, lr_find
    >>> X, y = load_digits(return_X_y=True)
    >>> result = lr_find(MLPClassifier(random_state=0), scale(X), y, n_steps=100)
    >>> 1e-5 < result.suggested_learning_rate < 1.0
    True
    """
    estimator = clone(estimator)
    X, Y, weights, network, loss, rng = _prepare(estimator, X, y, sample_weight)
    optimizer = make_optimizer(estimator)
    size = resolve_batch_size(batch_size or estimator.batch_size, X.shape[0])
    rates = np.geomspace(start_learning_rate, end_learning_rate, n_steps)
    history, losses, order, position = History(), [], rng.permutation(len(X)), 0
    diverged = False
    for rate in rates:
        if position + size > len(order):
            order, position = rng.permutation(len(X)), 0
        batch = order[position : position + size]
        position += size
        step_loss = _train_step(
            network, loss, optimizer, (X, Y, weights), batch, rate, rng, history
        )
        if step_loss is None:  # the loss became non-finite: far past the optimum
            diverged = True
            break
        losses.append(step_loss)
        smoothed = _smooth(losses, smoothing)
        if smoothed[-1] > divergence_factor * smoothed.min():
            diverged = True
            break
    smoothed = _smooth(losses, smoothing)
    best = int(np.argmin(smoothed)) if len(smoothed) else 0
    return LRFindResult(
        learning_rates=rates[: len(losses)],
        losses=np.asarray(losses),
        smoothed_losses=smoothed,
        suggested_learning_rate=float(rates[best] / 10.0),
        diverged=diverged,
    )
