"""Weight initialisers: ``callable(shape, fan_in, fan_out, rng, dtype) -> ndarray``.

The scale of the initial weights decides whether signals and gradients keep
their magnitude through depth: Glorot (Xavier) balances forward and backward
variance for symmetric saturating activations, He doubles it to compensate
for ReLU zeroing half its inputs, and LeCun (``1/fan_in``) is what SELU's
self-normalising property assumes.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["INITIALIZERS", "get_initializer", "default_initializer"]


def _variance_scaling(scale, mode, distribution):
    def initializer(shape, fan_in, fan_out, rng, dtype=np.float64):
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
        variance = scale / max(1.0, fan[mode])
        if distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, size=shape)
        else:
            # Truncated at two standard deviations, as Keras does; rescaled so
            # the variance after truncation is the requested one.
            std = math.sqrt(variance) / 0.87962566103423978
            values = _truncated_normal(rng, std, shape)
        return values.astype(dtype, copy=False)

    initializer.__name__ = f"{mode}_{distribution}_scale_{scale}"
    return initializer


def _truncated_normal(rng, std, shape):
    values = rng.standard_normal(size=shape)
    outside = np.abs(values) > 2
    while np.any(outside):
        values[outside] = rng.standard_normal(size=int(outside.sum()))
        outside = np.abs(values) > 2
    return values * std


def orthogonal(shape, fan_in, fan_out, rng, dtype=np.float64):
    """Random (semi-)orthogonal matrix, flattened over all but the last axis.

    Keeps the norm of vectors it multiplies, which is why recurrent kernels use
    it: repeated multiplication neither explodes nor vanishes.

    Examples
    --------
    >>> import numpy as np
    >>> q = orthogonal((4, 4), 4, 4, np.random.default_rng(0))
    >>> bool(np.allclose(q.T @ q, np.eye(4)))
    True
    """
    rows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    cols = shape[-1]
    a = rng.standard_normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # make the decomposition unique (uniform on O(n))
    if rows < cols:
        q = q.T
    return q.reshape(shape).astype(dtype, copy=False)


def zeros(shape, fan_in, fan_out, rng, dtype=np.float64):
    """All zeros (biases, BatchNorm offsets).

    Examples
    --------
    >>> zeros((2,), 1, 2, None).tolist()
    [0.0, 0.0]
    """
    return np.zeros(shape, dtype=dtype)


def ones(shape, fan_in, fan_out, rng, dtype=np.float64):
    """All ones (BatchNorm scales).

    Examples
    --------
    >>> ones((2,), 1, 2, None).tolist()
    [1.0, 1.0]
    """
    return np.ones(shape, dtype=dtype)


_REGISTRY = {
    "glorot_uniform": _variance_scaling(1.0, "fan_avg", "uniform"),
    "glorot_normal": _variance_scaling(1.0, "fan_avg", "normal"),
    "he_uniform": _variance_scaling(2.0, "fan_in", "uniform"),
    "he_normal": _variance_scaling(2.0, "fan_in", "normal"),
    "lecun_uniform": _variance_scaling(1.0, "fan_in", "uniform"),
    "lecun_normal": _variance_scaling(1.0, "fan_in", "normal"),
    "orthogonal": orthogonal,
    "zeros": zeros,
    "ones": ones,
}
_ALIASES = {"xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal"}

#: Names accepted by :func:`get_initializer`.
INITIALIZERS = tuple(_REGISTRY)

_RELU_FAMILY = frozenset(
    ["relu", "leaky_relu", "elu", "gelu", "swish", "silu", "mish", "prelu", "rrelu"]
)


def get_initializer(spec):
    """Return an initialiser callable.

    Parameters
    ----------
    spec : str or callable
        One of :data:`INITIALIZERS` or a callable
        ``(shape, fan_in, fan_out, rng, dtype) -> ndarray``.

    Returns
    -------
    callable
        ``initializer(shape, fan_in, fan_out, rng, dtype) -> ndarray`` of
        ``shape`` and ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> init = get_initializer("glorot_uniform")
    >>> w = init((4, 3), 4, 3, np.random.default_rng(0), np.float32)
    >>> w.shape, w.dtype
    ((4, 3), dtype('float32'))
    """
    if callable(spec):
        return spec
    if isinstance(spec, str):
        name = _ALIASES.get(spec, spec)
        if name in _REGISTRY:
            return _REGISTRY[name]
    raise ValueError(
        f"Unknown initializer {spec!r}. Use one of {list(INITIALIZERS)} or a "
        "callable (shape, fan_in, fan_out, rng, dtype) -> ndarray."
    )


def default_initializer(activation_name):
    """Kernel initialiser suited to an activation.

    Parameters
    ----------
    activation_name : str or tuple
        Activation name (a custom pair gets the Glorot default).

    Returns
    -------
    str
        ``"he_normal"`` for the ReLU family (relu, leaky_relu, elu, gelu,
        swish, mish, prelu, rrelu), ``"lecun_normal"`` for selu,
        ``"glorot_uniform"`` otherwise.

    Examples
    --------
    >>> default_initializer("relu"), default_initializer("selu")
    ('he_normal', 'lecun_normal')
    """
    if not isinstance(activation_name, str):
        return "glorot_uniform"
    if activation_name in _RELU_FAMILY:
        return "he_normal"
    if activation_name == "selu":
        return "lecun_normal"
    return "glorot_uniform"
