"""Finite-difference gradient checks for layers, losses and activations.

Analytic gradients are compared with central differences
``(f(x + eps) - f(x - eps)) / (2 eps)`` in float64. Layers are probed on the
scalar objective ``sum(r * forward(x))`` with a fixed random ``r``, so every
output contributes with a different weight.
"""

from __future__ import annotations

import copy
import inspect

import numpy as np

__all__ = ["numerical_gradient", "check_layer_gradients", "check_loss_gradient"]


def _takes_argument(f):
    try:
        return len(inspect.signature(f).parameters) > 0
    except (TypeError, ValueError):
        return True


def numerical_gradient(f, array, eps=1e-6):
    """Central-difference gradient of a scalar function with respect to ``array``.

    Parameters
    ----------
    f : callable
        ``f()`` or ``f(array)`` returning a float; it must read ``array``,
        which is perturbed in place (and restored) entry by entry.
    array : ndarray of float64
    eps : float, default=1e-6

    Returns
    -------
    ndarray of the shape of ``array``

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float((x**2).sum()), x).round(6)
    array([2., 4.])
    """
    call = (lambda: f(array)) if _takes_argument(f) else f
    grad = np.zeros(array.shape, dtype=np.float64)
    flat = array.reshape(-1)
    if not np.shares_memory(flat, array):
        raise ValueError("numerical_gradient needs a contiguous array.")
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = call()
        flat[i] = original - eps
        minus = call()
        flat[i] = original
        grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return grad


def _probe(pristine, x, projection):
    """Objective and analytic gradients on a fresh copy (same random draws)."""
    layer = copy.deepcopy(pristine)
    y = layer.forward(x, training=True)
    objective = float(np.sum(projection * y))
    dx = layer.backward(projection.astype(y.dtype))
    return objective, dx, [p.grad for p in layer.parameters()]


def check_layer_gradients(
    layer, input_shape, *, rng, n_samples=3, rtol=1e-5, atol=1e-7, eps=1e-6, x=None
):
    """Assert that a layer's backward matches finite differences.

    The layer is built in float64 (unless already built), then the input
    gradient and every parameter gradient of ``sum(r * forward(x, True))``
    are compared with central differences. Each evaluation runs on a deep copy
    of the layer taken before any forward pass, so random layers (dropout)
    draw the same masks every time and state updates (running statistics)
    do not leak between evaluations.

    Parameters
    ----------
    layer : Layer
    input_shape : tuple of int
        Shape of one sample.
    rng : numpy.random.Generator
    n_samples : int, default=3
    rtol, atol, eps : float
    x : ndarray, default=None
        Input to use instead of a standard normal draw.

    Returns
    -------
    dict
        ``{"input": (analytic, numeric), "<param index>:<name>": (...), ...}``.

    Raises
    ------
    AssertionError
        When any gradient disagrees.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Dense
    >>> rng = np.random.default_rng(0)
    >>> _ = check_layer_gradients(Dense(2), (3,), rng=rng)
    """
    if not layer.built:
        layer.build(input_shape, rng, np.float64)
    if x is None:
        x = rng.standard_normal((n_samples, *input_shape))
    x = np.array(x, dtype=np.float64)
    pristine = copy.deepcopy(layer)
    y = copy.deepcopy(pristine).forward(x, training=True)
    projection = rng.standard_normal(y.shape)
    _, dx, param_grads = _probe(pristine, x, projection)

    def objective():
        return _probe(pristine, x, projection)[0]

    results = {"input": (dx, numerical_gradient(objective, x, eps))}
    for index, param in enumerate(pristine.parameters()):
        numeric = numerical_gradient(objective, param.value, eps)
        results[f"{index}:{param.name}"] = (param_grads[index], numeric)
    for name, (analytic, numeric) in results.items():
        np.testing.assert_allclose(
            analytic,
            numeric,
            rtol=rtol,
            atol=atol,
            err_msg=f"{type(layer).__name__} gradient of {name}",
        )
    return results


def check_loss_gradient(
    loss, y, raw, sample_weight=None, *, rtol=1e-5, atol=1e-8, eps=1e-6
):
    """Assert that ``loss.gradient`` is the derivative of ``loss.value``.

    Also checks that ``value_and_gradient`` agrees with both.

    Parameters
    ----------
    loss : Loss
    y : ndarray
        Targets in the loss's encoding.
    raw : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,), default=None
    rtol, atol, eps : float

    Returns
    -------
    analytic, numeric : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import SquaredError
    >>> _ = check_loss_gradient(SquaredError(), np.zeros((2, 1)), np.ones((2, 1)))
    """
    raw = np.array(raw, dtype=np.float64)
    analytic = loss.gradient(y, raw, sample_weight)
    numeric = numerical_gradient(lambda: loss.value(y, raw, sample_weight), raw, eps)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)
    value, fused = loss.value_and_gradient(y, raw, sample_weight)
    np.testing.assert_allclose(value, loss.value(y, raw, sample_weight), rtol=1e-12)
    np.testing.assert_allclose(fused, analytic, rtol=1e-12, atol=1e-15)
    return analytic, numeric
