"""Dropout (inverted, with a Monte-Carlo mode) and MC-dropout copies."""

from __future__ import annotations

import copy

import numpy as np

from .base import Layer

__all__ = ["Dropout", "mc_dropout_copy"]


class Dropout(Layer):
    """Inverted dropout: zero each input with probability ``rate`` in training.

    Survivors are scaled by ``1 / (1 - rate)`` so the expected output equals
    the input, and inference needs no rescaling (the layer is the identity).
    With ``mc=True`` dropout stays on at inference (Monte-Carlo dropout): the
    spread of repeated predictions estimates model uncertainty.

    Parameters
    ----------
    rate : float
        Drop probability in ``[0, 1)``.
    mc : bool, default=False
        Keep dropping at inference, drawing from the generator given to
        ``build``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dropout(0.5)
    >>> layer.build((1000,), np.random.default_rng(0))
    (1000,)
    >>> y = layer.forward(np.ones((1, 1000)), training=True)
    >>> sorted(set(y.ravel().tolist()))
    [0.0, 2.0]
    >>> layer.forward(np.ones((1, 3))).tolist()
    [[1.0, 1.0, 1.0]]
    """

    def __init__(self, rate, *, mc=False):
        super().__init__()
        self.rate = rate
        self.mc = mc

    def _build(self, input_shape, rng):
        if not 0 <= self.rate < 1:
            raise ValueError(f"Dropout rate must be in [0, 1), got {self.rate}.")
        self._rng = rng
        return input_shape

    def _mask(self, shape):
        keep = self._rng.random(shape, dtype=self.dtype) >= self.rate
        return np.multiply(keep, 1.0 / (1.0 - self.rate), dtype=self.dtype)

    def forward(self, x, training=False):
        if self.rate == 0 or not (training or self.mc):
            if training:
                self._cache = None
            return x
        mask = self._mask(x.shape)
        if training:
            self._cache = mask
        return x * mask

    def _forward_owned(self, x, training):
        if self.rate == 0 or not (training or self.mc):
            return x
        mask = self._mask(x.shape)
        if training:
            self._cache = mask
        x *= mask
        return x

    def backward(self, dy):
        if self.rate == 0:
            return dy
        return dy * self._require_cache()

    def _backward_owned(self, dy):
        if self.rate == 0:
            return dy
        dy *= self._require_cache()
        return dy


def mc_dropout_copy(network, rng):
    """A deep copy of ``network`` whose Dropout layers stay on at inference.

    The fitted network is untouched; the copy's dropout masks are drawn from
    ``rng``, so repeated ``copy.forward(X)`` calls give Monte-Carlo samples.

    Parameters
    ----------
    network : Layer
    rng : numpy.random.Generator

    Returns
    -------
    Layer

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Dense, Sequential
    >>> net = Sequential([Dropout(0.5), Dense(1, kernel_initializer="ones")])
    >>> _ = net.build((50,), np.random.default_rng(0))
    >>> mc = mc_dropout_copy(net, np.random.default_rng(1))
    >>> X = np.ones((1, 50))
    >>> bool(mc.forward(X)[0, 0] != net.forward(X)[0, 0])
    True
    """
    clone = copy.deepcopy(network)
    for layer in clone.walk():
        if isinstance(layer, Dropout):
            layer.mc = True
            layer._rng = rng
    return clone
