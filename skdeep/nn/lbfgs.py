"""Full-batch training with scipy's L-BFGS-B (scikit-learn's ``solver="lbfgs"``).

The whole network's parameters are packed into one float64 vector; each
objective call unpacks it in place, runs one forward/backward pass over all the
data and returns the regularised loss and its packed gradient. Being
deterministic, weighting a sample by ``k`` is exactly repeating it ``k`` times.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.optimize

from ..utils._threads import secondary_blas_single_threaded
from .optimizers import add_penalty_gradient, penalty_value

__all__ = ["lbfgs_objective", "train_lbfgs"]


def _unpack(theta, parameters):
    start = 0
    for param in parameters:
        size = param.value.size
        np.copyto(param.value, theta[start : start + size].reshape(param.value.shape))
        start += size


def _pack_gradients(parameters, out):
    start = 0
    for param in parameters:
        size = param.value.size
        out[start : start + size] = param.grad.ravel()
        start += size
    return out


def _record_iteration(history, value, seconds):
    history.loss.append(np.float64(value))  # sklearn's loss_curve_ type
    history.val_loss.append(None)
    history.val_score.append(None)
    history.learning_rate.append(None)
    history.seconds.append(seconds)
    if value < history.best_loss:
        history.best_loss = float(value)
        history.best_epoch = len(history.loss) - 1


def lbfgs_objective(
    network, loss, X, y, *, sample_weight=None, l2=0.0, l1=0.0, parameters=None
):
    """``theta -> (loss, gradient)`` over ``parameters`` packed in order.

    ``parameters`` defaults to ``network.parameters()``; each call writes
    ``theta`` into them, runs one full-batch forward/backward pass and returns
    the penalised loss and the packed float64 gradient.

    Parameters
    ----------
    network : Sequential
        A built network; its parameters take the values of ``theta``.
    loss : Loss
        Loss on the network's raw outputs.
    X : ndarray or sparse matrix of shape (n_samples, ...)
        The full batch.
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Targets, in the form ``loss`` expects.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples; the penalty is divided by their sum.
    l2, l1 : float, default=0.0
        Penalty strengths, as in :func:`~skdeep.nn.penalty_value`.
    parameters : list of Parameter, default=None
        The parameters ``theta`` packs, in order (flattened, C order).

    Returns
    -------
    objective : callable
        ``objective(theta) -> (value, gradient)``, ``theta`` and
        ``gradient`` float64 arrays of shape (n_elements,), ``value`` a float.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Dense, Sequential, get_loss
    >>> net = Sequential([Dense(1)]); _ = net.build((2,), np.random.default_rng(0))
    >>> objective = lbfgs_objective(
    ...     net, get_loss("squared_error"), np.ones((4, 2)), np.zeros((4, 1)))
    >>> value, gradient = objective(np.array([1.0, 1.0, 0.0]))  # kernel, bias
    >>> value, gradient
    (2.0, array([2., 2., 2.]))
    """
    parameters = network.parameters() if parameters is None else list(parameters)
    n_samples = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
    gradient = np.empty(sum(p.value.size for p in parameters), dtype=np.float64)

    def objective(theta):
        _unpack(theta, parameters)
        raw = network.forward(X, training=True)
        value, raw_gradient = loss.value_and_gradient(y, raw, sample_weight)
        network.backward_params(raw_gradient)
        value += penalty_value(parameters, l2=l2, l1=l1, n_samples=n_samples)
        add_penalty_gradient(parameters, l2=l2, l1=l1, n_samples=n_samples)
        return float(value), _pack_gradients(parameters, gradient).copy()

    return objective


def train_lbfgs(
    network,
    loss,
    X,
    y,
    *,
    sample_weight=None,
    l2=0.0,
    l1=0.0,
    max_iter=200,
    max_fun=15000,
    tol=1e-4,
    verbose=0,
    history=None,
):
    """Minimise ``loss`` + penalties over all of ``network``'s parameters.

    Parameters
    ----------
    network : Layer
        A built network; its parameters are updated in place.
    loss : Loss
        Loss on raw outputs (owning its link).
    X : ndarray of shape (n_samples, ...)
    y : ndarray
        Targets in the form ``loss`` expects.
    sample_weight : ndarray of shape (n_samples,), default=None
    l2, l1 : float, default=0.0
        Penalty strengths, divided by the (weighted) sample count as in
        scikit-learn's MLP.
    max_iter : int, default=200
        L-BFGS iterations (scipy's ``maxiter``).
    max_fun : int, default=15000
        Objective evaluations (scipy's ``maxfun``).
    tol : float, default=1e-4
        Projected-gradient tolerance (scipy's ``gtol``).
    verbose : int, default=0
        Print ``Iteration k, loss = ...`` after each iteration when > 0.
    history : History, default=None
        When given, one entry per iteration is appended to its ``loss`` list.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        ``x`` (packed parameters, already written into the network), ``fun``
        (final loss), ``nit``, ``nfev``, ``status`` and ``message``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Dense, Sequential, get_loss
    >>> X = np.array([[0.0], [1.0], [2.0]]); y = 2 * X + 1
    >>> net = Sequential([Dense(1)]); _ = net.build((1,), np.random.default_rng(0))
    >>> result = train_lbfgs(net, get_loss("squared_error"), X, y, tol=1e-10)
    >>> np.round(net.forward(X).ravel(), 4)
    array([1., 3., 5.])
    """
    parameters = network.parameters()
    objective = lbfgs_objective(
        network, loss, X, y, sample_weight=sample_weight, l2=l2, l1=l1
    )
    last = {"value": np.nan, "iterations": 0}

    def tracked_objective(theta):
        value, gradient = objective(theta)
        last["value"] = value
        return value, gradient

    start = time.perf_counter()

    def callback(intermediate_result):
        # scipy >= 1.11 passes an OptimizeResult; older ones pass x only, and
        # the last evaluation is then the accepted point's.
        value = getattr(intermediate_result, "fun", last["value"])
        last["iterations"] += 1
        if history is not None:
            _record_iteration(history, value, time.perf_counter() - start)
        if verbose:
            print(f"Iteration {last['iterations']}, loss = {value:.8f}")

    theta0 = np.concatenate([p.value.ravel() for p in parameters]).astype(np.float64)
    # L-BFGS-B's vector operations run on scipy's BLAS, the network's products
    # on numpy's: one thread for the former keeps the two pools from fighting
    # over the cores (3x faster fits on two cores).
    with secondary_blas_single_threaded():
        result = scipy.optimize.minimize(
            tracked_objective,
            theta0,
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
        )
    _unpack(result.x, parameters)
    network.clear_cache()
    return result
