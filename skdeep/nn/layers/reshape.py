"""Shape-only layers."""

from __future__ import annotations

import math

from .base import Layer

__all__ = ["Flatten"]


class Flatten(Layer):
    """Flatten every axis but the batch axis: ``(n, *shape) -> (n, prod(shape))``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Flatten()
    >>> layer.build((2, 3), np.random.default_rng(0))
    (6,)
    >>> layer.forward(np.zeros((5, 2, 3))).shape
    (5, 6)
    """

    def _build(self, input_shape, rng):
        return (math.prod(input_shape),)

    def forward(self, x, training=False):
        y = x.reshape(x.shape[0], -1)
        if training:
            self._cache = x.shape
        return y

    def backward(self, dy):
        return dy.reshape(self._require_cache())

    def _backward_owned(self, dy):
        return self.backward(dy)
