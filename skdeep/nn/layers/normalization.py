"""Batch normalisation, one implementation for every rank."""

from __future__ import annotations

import numpy as np

from .base import Layer, Parameter

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalise each channel (last axis) over the batch and all other axes.

    Training: ``x_hat = (x - mean_batch) / sqrt(var_batch + epsilon)`` and
    ``y = gamma x_hat + beta``; the running statistics move towards the batch
    statistics (``running = momentum running + (1 - momentum) batch``).
    Inference uses the running statistics, so predictions do not depend on
    the batch. Keeping each layer's input centred and scaled lets deep
    networks of saturating units train at higher learning rates.

    Parameters
    ----------
    momentum : float, default=0.99
    epsilon : float, default=1e-3
    center : bool, default=True
        Learn the offset ``beta``.
    scale : bool, default=True
        Learn the scale ``gamma``.

    Notes
    -----
    Parameters ``"gamma"`` and ``"beta"`` of shape ``(channels,)`` (not
    regularised); state ``"moving_mean"`` and ``"moving_variance"``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = BatchNormalization()
    >>> layer.build((2,), np.random.default_rng(0))
    (2,)
    >>> y = layer.forward(np.array([[0.0, 10.0], [2.0, 30.0]]), training=True)
    >>> y.mean(axis=0).round(6).tolist()
    [0.0, 0.0]
    """

    _fresh_output = True
    _fresh_input_grad = True

    def __init__(self, momentum=0.99, epsilon=1e-3, center=True, scale=True):
        super().__init__()
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale

    def _build(self, input_shape, rng):
        channels = input_shape[-1]
        if self.scale:
            self.params["gamma"] = Parameter(
                np.ones(channels, dtype=self.dtype), regularize=False, name="gamma"
            )
        if self.center:
            self.params["beta"] = Parameter(
                np.zeros(channels, dtype=self.dtype), regularize=False, name="beta"
            )
        self.state["moving_mean"] = np.zeros(channels, dtype=self.dtype)
        self.state["moving_variance"] = np.ones(channels, dtype=self.dtype)
        return input_shape

    def _affine(self, x_hat):
        if self.scale:
            x_hat *= self.params["gamma"].value
        if self.center:
            x_hat += self.params["beta"].value
        return x_hat

    def forward(self, x, training=False):
        if not training:
            inv_std = 1 / np.sqrt(self.state["moving_variance"] + self.epsilon)
            return self._affine((x - self.state["moving_mean"]) * inv_std)
        axes = tuple(range(x.ndim - 1))
        mean = x.mean(axis=axes)
        x_hat = x - mean
        variance = np.mean(x_hat * x_hat, axis=axes)
        inv_std = (1 / np.sqrt(variance + self.epsilon)).astype(self.dtype)
        x_hat *= inv_std
        for name, batch_value in (("moving_mean", mean), ("moving_variance", variance)):
            running = self.state[name]
            running *= self.momentum
            running += (1 - self.momentum) * batch_value
        self._cache = (x_hat, inv_std)
        return self._affine(x_hat.copy())

    def backward(self, dy):
        x_hat, inv_std = self._require_cache()
        axes = tuple(range(dy.ndim - 1))
        count = dy.size // dy.shape[-1]
        if self.center:
            self.params["beta"].set_grad(dy.sum(axis=axes))
        dy_x_hat = np.sum(dy * x_hat, axis=axes)
        if self.scale:
            self.params["gamma"].set_grad(dy_x_hat)
            gamma = self.params["gamma"].value
        else:
            gamma = 1
        # d x_hat = gamma dy; dx = inv_std (dxh - mean(dxh) - x_hat mean(dxh x_hat))
        dx = dy - dy.sum(axis=axes) / count
        dx -= x_hat * (dy_x_hat / count)
        dx *= gamma * inv_std
        return dx
