"""Fully connected layer."""

from __future__ import annotations

import numpy as np
from scipy.sparse import issparse

from ..initializers import get_initializer
from .base import Layer, Parameter

__all__ = ["Dense"]


class Dense(Layer):
    """Affine map ``y = x @ kernel + bias`` on the last axis.

    Parameters
    ----------
    units : int
        Number of output features.
    use_bias : bool, default=True
    kernel_initializer : str or callable, default="glorot_uniform"
        Name from :data:`skdeep.nn.initializers.INITIALIZERS` or a callable
        ``(shape, fan_in, fan_out, rng, dtype) -> ndarray``.
    bias_initializer : str or callable, default="zeros"

    Notes
    -----
    Input of shape ``(n, ..., in_features)`` gives ``(n, ..., units)``.
    Parameters: ``"kernel"`` of shape ``(in_features, units)`` (regularised) and
    ``"bias"`` of shape ``(units,)`` (not regularised).

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(3)
    >>> layer.build((4,), np.random.default_rng(0))
    (3,)
    >>> layer.forward(np.ones((2, 4))).shape
    (2, 3)
    """

    _fresh_output = True
    _fresh_input_grad = True

    def __init__(
        self,
        units,
        *,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
    ):
        super().__init__()
        self.units = units
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer

    def _build(self, input_shape, rng):
        if len(input_shape) < 1:
            raise ValueError("Dense needs inputs with at least one feature axis.")
        fan_in, fan_out = input_shape[-1], int(self.units)
        kernel = get_initializer(self.kernel_initializer)(
            (fan_in, fan_out), fan_in, fan_out, rng, self.dtype
        )
        self.params["kernel"] = Parameter(
            np.asarray(kernel, dtype=self.dtype), regularize=True, name="kernel"
        )
        if self.use_bias:
            bias = get_initializer(self.bias_initializer)(
                (fan_out,), fan_in, fan_out, rng, self.dtype
            )
            self.params["bias"] = Parameter(
                np.asarray(bias, dtype=self.dtype), regularize=False, name="bias"
            )
        return (*input_shape[:-1], fan_out)

    def forward(self, x, training=False):
        y = x @ self.params["kernel"].value
        if self.use_bias:
            y += self.params["bias"].value
        if training:
            self._cache = x
        return y

    def _param_grads(self, dy):
        x = self._require_cache()
        dy2 = dy.reshape(-1, dy.shape[-1])
        kernel = self.params["kernel"]
        if not isinstance(x, np.ndarray) and issparse(x):  # sparse first-layer input
            kernel.set_grad(np.asarray(x.T @ dy2, dtype=kernel.value.dtype))
        else:
            x2 = x.reshape(-1, x.shape[-1])
            if kernel.grad is None:
                kernel.grad = np.empty_like(kernel.value)
            np.matmul(x2.T, dy2, out=kernel.grad)
        if self.use_bias:
            bias = self.params["bias"]
            if bias.grad is None:
                bias.grad = np.empty_like(bias.value)
            # Column sums as a matrix-vector product: BLAS is several times
            # faster than a reduction over axis 0.
            np.matmul(self._ones(dy2.shape[0], dy2.dtype), dy2, out=bias.grad)

    def _ones(self, n, dtype):
        ones = self.__dict__.get("_scratch_ones")
        if ones is None or ones.shape[0] != n or ones.dtype != dtype:
            ones = self._scratch_ones = np.ones(n, dtype=dtype)
        return ones

    def backward(self, dy):
        self._param_grads(dy)
        return dy @ self.params["kernel"].value.T

    def backward_params(self, dy):
        self._param_grads(dy)
