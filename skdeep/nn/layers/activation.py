"""Elementwise activation layer."""

from __future__ import annotations

from ..functional import INPLACE, canonical_activation_name, get_activation
from .base import Layer

__all__ = ["Activation"]


class Activation(Layer):
    """Apply an elementwise activation.

    Parameters
    ----------
    activation : str or tuple of (callable, callable)
        A name from :data:`skdeep.nn.functional.ACTIVATIONS` or a user pair
        ``(function(x) -> y, derivative(x, y) -> dy/dx)``.
    **kwargs
        Hyperparameters of the named activation (e.g. ``alpha``).

    Notes
    -----
    For identity, step, logistic, tanh and relu the derivative depends on the
    output only, so the layer caches just ``y`` and, inside a container, may
    compute in the buffer of the previous layer's output.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Activation("relu")
    >>> layer.build((2,), np.random.default_rng(0))
    (2,)
    >>> layer.forward(np.array([[-1.0, 3.0]]))
    array([[0., 3.]])
    """

    def __init__(self, activation, **kwargs):
        super().__init__()
        self.activation = activation
        self.kwargs = kwargs

    def _build(self, input_shape, rng):
        self._resolve()
        return input_shape

    def _resolve(self):
        self._function, self._derivative = get_activation(
            self.activation, **self.kwargs
        )
        self._inplace = None
        if isinstance(self.activation, str) and not self.kwargs:
            self._inplace = INPLACE.get(canonical_activation_name(self.activation))

    def __getstate__(self):
        state = super().__getstate__()
        for key in ("_function", "_derivative", "_inplace"):
            state.pop(key, None)  # closures do not pickle; rebuilt on load
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.built:
            self._resolve()

    def forward(self, x, training=False):
        y = self._function(x)
        if training:
            self._cache = (None if self._inplace else x, y)
        return y

    def _forward_owned(self, x, training):
        if self._inplace is None:
            return self.forward(x, training)
        y = self._inplace[0](x)
        if training:
            self._cache = (None, y)
        return y

    def backward(self, dy):
        x, y = self._require_cache()
        if self._inplace is not None:
            return self._inplace[1](dy.copy(), y)
        return dy * self._derivative(x, y)

    def _backward_owned(self, dy):
        x, y = self._require_cache()
        if self._inplace is not None:
            return self._inplace[1](dy, y)
        dy *= self._derivative(x, y)
        return dy
