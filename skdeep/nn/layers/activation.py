"""Elementwise activation layer."""

from __future__ import annotations

import numpy as np

from ..functional import (
    INPLACE,
    INPLACE_TRAINING,
    canonical_activation_name,
    get_activation,
)
from .base import Layer, Parameter

__all__ = ["Activation", "PReLU", "RReLU"]


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
        self._inplace = self._inplace_training = None
        if isinstance(self.activation, str) and not self.kwargs:
            name = canonical_activation_name(self.activation)
            self._inplace = INPLACE.get(name)
            if self._inplace is not None:
                self._inplace_training = INPLACE_TRAINING.get(name)

    def __getstate__(self):
        state = super().__getstate__()
        for key in ("_function", "_derivative", "_inplace", "_inplace_training"):
            state.pop(key, None)  # closures do not pickle; rebuilt on load
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.built:
            self._resolve()

    def forward(self, x, training=False):
        y = self._function(x)
        if training:
            self._cache = (None if self._inplace else x, y, None)
        return y

    def _forward_owned(self, x, training):
        if self._inplace is None:
            return self.forward(x, training)
        if not training:
            return self._inplace[0](x)
        if self._inplace_training is None:
            y = self._inplace[0](x)
            self._cache = (None, y, None)
            return y
        mask = self._mask_buffer(x)
        y = self._inplace_training(x, mask)
        self._cache = (None, y, mask)
        return y

    def _mask_buffer(self, x):
        # Reused across mini-batches (a scratch buffer: not pickled).
        mask = self.__dict__.get("_scratch_mask")
        if mask is None or mask.shape != x.shape or mask.dtype != x.dtype:
            mask = self._scratch_mask = np.empty(x.shape, dtype=x.dtype)
        return mask

    def backward(self, dy):
        x, y, mask = self._require_cache()
        if mask is not None:
            return dy * mask
        if self._inplace is not None:
            return self._inplace[1](dy.copy(), y)
        return dy * self._derivative(x, y)

    def _backward_owned(self, dy):
        x, y, mask = self._require_cache()
        if mask is not None:
            dy *= mask
            return dy
        if self._inplace is not None:
            return self._inplace[1](dy, y)
        dy *= self._derivative(x, y)
        return dy


class PReLU(Layer):
    """Parametric ReLU: ``y = x`` for ``x > 0``, else ``alpha * x``, ``alpha`` learned.

    One slope per channel (last axis), initialised at ``alpha_initializer``
    and not regularised.

    Parameters
    ----------
    alpha_initializer : float, default=0.25

    Examples
    --------
    >>> import numpy as np
    >>> layer = PReLU()
    >>> layer.build((2,), np.random.default_rng(0))
    (2,)
    >>> layer.forward(np.array([[-4.0, 4.0]])).tolist()
    [[-1.0, 4.0]]
    """

    def __init__(self, alpha_initializer=0.25):
        super().__init__()
        self.alpha_initializer = alpha_initializer

    def _build(self, input_shape, rng):
        alpha = np.full(input_shape[-1], self.alpha_initializer, dtype=self.dtype)
        self.params["alpha"] = Parameter(alpha, regularize=False, name="alpha")
        return input_shape

    def forward(self, x, training=False):
        if training:
            self._cache = x
        return np.where(x > 0, x, x * self.params["alpha"].value)

    def backward(self, dy):
        x = self._require_cache()
        negative = np.minimum(x, 0)
        axes = tuple(range(x.ndim - 1))
        self.params["alpha"].set_grad(np.sum(dy * negative, axis=axes))
        return dy * np.where(x > 0, 1, self.params["alpha"].value).astype(dy.dtype)


class RReLU(Layer):
    """Randomised leaky ReLU (Xu et al., 2015).

    In training each negative input gets a slope drawn uniformly from
    ``[lower, upper]`` (a noise regulariser); at inference the mean slope
    ``(lower + upper) / 2`` is used.

    Parameters
    ----------
    lower : float, default=1/8
    upper : float, default=1/3

    Examples
    --------
    >>> import numpy as np
    >>> layer = RReLU(lower=0.2, upper=0.4)
    >>> layer.build((1,), np.random.default_rng(0))
    (1,)
    >>> layer.forward(np.array([[-1.0]])).round(6).tolist()
    [[-0.3]]
    """

    def __init__(self, lower=1 / 8, upper=1 / 3):
        super().__init__()
        self.lower = lower
        self.upper = upper

    def _build(self, input_shape, rng):
        if not 0 <= self.lower <= self.upper:
            raise ValueError("RReLU needs 0 <= lower <= upper.")
        self._rng = rng
        return input_shape

    def forward(self, x, training=False):
        if training:
            slope = self._rng.uniform(self.lower, self.upper, size=x.shape)
            slope = np.where(x > 0, 1, slope).astype(x.dtype)
            self._cache = slope
            return x * slope
        mean_slope = x.dtype.type((self.lower + self.upper) / 2)
        return np.where(x > 0, x, x * mean_slope)

    def backward(self, dy):
        return dy * self._require_cache()
