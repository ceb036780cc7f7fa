"""Residual connection container."""

from __future__ import annotations

from .base import Layer

__all__ = ["Residual"]


class Residual(Layer):
    """``y = block(x) + shortcut(x)``, the shortcut being the identity by default.

    The identity path gives gradients a route around the block, so very deep
    stacks still receive a useful signal in their early layers.

    Parameters
    ----------
    block : Layer
        Main branch (often a :class:`~skdeep.nn.Sequential`).
    shortcut : Layer or None, default=None
        Projection (e.g. ``Dense``) used when the block changes the shape;
        ``None`` is the identity and requires ``block`` to keep the shape.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Dense
    >>> layer = Residual(Dense(3, kernel_initializer="zeros"))
    >>> layer.build((3,), np.random.default_rng(0))
    (3,)
    >>> layer.forward(np.ones((1, 3))).tolist()
    [[1.0, 1.0, 1.0]]
    """

    def __init__(self, block, shortcut=None):
        super().__init__()
        self.block = block
        self.shortcut = shortcut

    def sublayers(self):
        return [self.block] + ([self.shortcut] if self.shortcut is not None else [])

    def _build(self, input_shape, rng):
        output_shape = self.block.build(input_shape, rng, self.dtype)
        if self.shortcut is not None:
            shortcut_shape = self.shortcut.build(input_shape, rng, self.dtype)
        else:
            shortcut_shape = input_shape
        if tuple(shortcut_shape) != tuple(output_shape):
            raise ValueError(
                f"Residual block maps {input_shape} to {output_shape} but the "
                f"shortcut gives {shortcut_shape}; pass a projection shortcut "
                "(e.g. Dense(units)) or keep the block's output shape."
            )
        return output_shape

    def forward(self, x, training=False):
        y = self.block.forward(x, training)
        side = x if self.shortcut is None else self.shortcut.forward(x, training)
        if self.block._fresh_output:
            y += side
            return y
        return y + side

    def backward(self, dy):
        dx = self.block.backward(dy)
        side = dy if self.shortcut is None else self.shortcut.backward(dy)
        return dx + side
