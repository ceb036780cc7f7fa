"""Numerically stable softmax and log-softmax along an axis.

Re-exported by :mod:`skdeep.nn.functional` (and :mod:`skdeep.nn`); the
shift helpers also serve the categorical cross-entropy in
:mod:`skdeep.nn.losses`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "log_softmax"]


# ``exp`` of a shifted logit stays finite while the shift is at most this far
# below the row's largest logit (float32 overflows near exp(88)).
_SAFE_SHIFT_GAP = 60.0


_CONSTANT_VECTORS = {}


def _constant_vector(length, value, dtype):
    """A read-only vector of ``length`` copies of ``value`` (cached).

    Row sums and means are matrix-vector products with such vectors; caching
    them saves an allocation per mini-batch.
    """
    key = (int(length), float(value), np.dtype(dtype))
    vector = _CONSTANT_VECTORS.get(key)
    if vector is None:
        if len(_CONSTANT_VECTORS) > 256:
            _CONSTANT_VECTORS.clear()
        vector = np.full(key[0], key[1], dtype=key[2])
        vector.flags.writeable = False
        _CONSTANT_VECTORS[key] = vector
    return vector


def _shifted(x, axis):
    """``x`` minus a per-row shift along ``axis`` that makes ``exp`` safe.

    The row maximum is exact but numpy's max over a short last axis (a
    batch's few classes) is slow.  For 2-D rows the row mean, one
    matrix-vector product, serves as well whenever no logit is more than
    ``_SAFE_SHIFT_GAP`` above its row's mean, which one max over the shifted
    array checks; the sum of ``exp`` over a row then stays at least 1, so its
    log is safe.  Otherwise (and for non-finite input) the maximum is used.
    Returns a new array.
    """
    if x.ndim == 2 and axis in (1, -1) and x.size and x.dtype.kind == "f":
        mean = x @ _constant_vector(x.shape[1], 1.0 / x.shape[1], x.dtype)
        shifted = x - mean[:, None]
        if shifted.max() <= _SAFE_SHIFT_GAP:
            return shifted
    if x.size == 0:
        return np.array(x, copy=True)
    return x - x.max(axis=axis, keepdims=True)


def softmax(x, axis=-1):
    """Numerically stable softmax along ``axis``.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_classes)
    axis : int, default=-1

    Returns
    -------
    ndarray of the same shape and dtype, rows summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> softmax(np.array([[0.0, 0.0]]))
    array([[0.5, 0.5]])
    """
    out = _shifted(x, axis)
    np.exp(out, out=out)
    out /= out.sum(axis=axis, keepdims=True)
    return out


def log_softmax(x, axis=-1):
    """Numerically stable ``log(softmax(x))`` along ``axis``.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_classes)
        Logits (any shape; the softmax runs along ``axis``).
    axis : int, default=-1

    Returns
    -------
    ndarray of the shape of ``x``
        Log-probabilities, each slice along ``axis`` log-summing to zero.

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.allclose(np.exp(log_softmax(np.array([[1.0, 2.0]]))).sum(), 1))
    True
    """
    shifted = _shifted(x, axis)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
