"""Containers: layers made of layers."""

from __future__ import annotations

from .base import Layer, share_value_buffer

__all__ = ["Sequential"]  # forward_layers: an internal helper


def forward_layers(layers, x, training=False, first_owned=False):
    """``x`` through ``layers`` in turn; a layer may overwrite its input
    when the previous layer made that array (``_fresh_output``), and the
    first one when ``first_owned`` (the caller's ``x`` is never touched
    otherwise)."""
    owned = first_owned
    for layer in layers:
        x = layer._forward_owned(x, training) if owned else layer.forward(x, training)
        owned = layer._fresh_output
    return x


class Sequential(Layer):
    """A stack of layers applied one after the other.

    Parameters
    ----------
    layers : list of Layer
        Applied in order; ``build`` builds each with the previous output shape.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Activation, Dense
    >>> net = Sequential([Dense(8), Activation("relu"), Dense(2)])
    >>> net.build((3,), np.random.default_rng(0))
    (2,)
    >>> net.forward(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(self, layers):
        super().__init__()
        self.layers = list(layers)

    def _build(self, input_shape, rng):
        shape = input_shape
        for layer in self.layers:
            shape = layer.build(shape, rng, self.dtype)
        # One buffer for every value: an optimizer then steps them all at once.
        share_value_buffer(self.parameters())
        return shape

    def __setstate__(self, state):
        # Copies and pickles give each value its own array: share one again.
        self.__dict__.update(state)
        if self.built:
            share_value_buffer(self.parameters())

    @property
    def _fresh_output(self):
        return bool(self.layers) and self.layers[-1]._fresh_output

    @property
    def _fresh_input_grad(self):
        return bool(self.layers) and self.layers[0]._fresh_input_grad

    def forward(self, x, training=False):
        return self._forward_owned(x, training, first_owned=False)

    def _forward_owned(self, x, training, first_owned=True):
        return forward_layers(self.layers, x, training, first_owned)

    def backward(self, dy):
        return self._backward(dy, owned=False, input_gradient=True)

    def _backward_owned(self, dy):
        return self._backward(dy, owned=True, input_gradient=True)

    def backward_params(self, dy):
        self._backward(dy, owned=False, input_gradient=False)

    def _backward(self, dy, owned, input_gradient):
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            layer = self.layers[i]
            if i == 0 and not input_gradient:
                layer.backward_params(dy)
                return None
            dy = layer._backward_owned(dy) if owned else layer.backward(dy)
            owned = layer._fresh_input_grad
        return dy

    def sublayers(self):
        return list(self.layers)

    def __repr__(self):
        inner = ",\n    ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n    {inner},\n])"
