"""The two building blocks of every network: :class:`Parameter` and :class:`Layer`."""

from __future__ import annotations

import copy

import numpy as np

__all__ = ["Parameter", "Layer", "share_value_buffer", "flat_layout"]


# Field values a copy may share with the original.
_IMMUTABLE = (bool, int, float, complex, str, bytes, type(None), np.dtype)


class Parameter:
    """A trainable array and its gradient.

    Optimizers only ever see Parameters, never layers: they read ``grad`` and
    update ``value`` in place, so outside references to ``value`` (such as an
    estimator's ``coefs_``) stay valid.

    Parameters
    ----------
    value : ndarray
        Initial value; stored as is (not copied).
    regularize : bool, default=True
        Whether L1/L2 penalties and max-norm constraints apply (True for
        kernels, False for biases, normalisation scales/offsets and slopes).
    name : str, default=""
        Human-readable name, e.g. ``"kernel"``.

    Attributes
    ----------
    grad : ndarray or None
        Gradient of the loss with respect to ``value``, same shape and dtype;
        overwritten (never accumulated) by each ``backward``.

    Examples
    --------
    >>> import numpy as np
    >>> p = Parameter(np.zeros(3), regularize=False, name="bias")
    >>> p.value.shape, p.grad is None
    ((3,), True)
    """

    __slots__ = ("value", "grad", "regularize", "name")

    def __init__(self, value, *, regularize=True, name=""):
        self.value = value
        self.grad = None
        self.regularize = regularize
        self.name = name

    def __getstate__(self):
        return {"value": self.value, "regularize": self.regularize, "name": self.name}

    def __setstate__(self, state):
        self.value = state["value"]
        self.regularize = state["regularize"]
        self.name = state["name"]
        self.grad = None

    def __deepcopy__(self, memo):
        # What a pickle round trip gives (no gradient), without deepcopy's
        # generic reduce machinery: estimators copy their network per call.
        clone = Parameter.__new__(Parameter)
        memo[id(self)] = clone
        clone.__setstate__(
            {
                "value": copy.deepcopy(self.value, memo),
                "regularize": self.regularize,
                "name": self.name,
            }
        )
        return clone

    def set_grad(self, grad):
        """Store ``grad``, reusing the existing buffer when shapes agree."""
        if self.grad is not None and self.grad.shape == grad.shape:
            np.copyto(self.grad, grad)
        else:
            self.grad = grad

    def __repr__(self):
        return (
            f"Parameter(name={self.name!r}, shape={self.value.shape}, "
            f"dtype={self.value.dtype}, regularize={self.regularize})"
        )


def flat_layout(parameters):
    """Where each parameter lives in a flat buffer of all of them.

    Regularised parameters come first, each group in the given order, so the
    penalties apply to one contiguous prefix.

    Parameters
    ----------
    parameters : list of Parameter
        The parameters to lay out, in the order their slices are returned.

    Returns
    -------
    slices : list of slice
        One per parameter, in the given order.
    n_regularized : int
        Length of the regularised prefix.
    """
    slices = [None] * len(parameters)
    start = 0
    for regularized in (True, False):
        for i, p in enumerate(parameters):
            if bool(p.regularize) == regularized:
                slices[i] = slice(start, start + p.value.size)
                start += p.value.size
        if regularized:
            n_regularized = start
    return slices, n_regularized


def share_value_buffer(parameters):
    """Store the values of ``parameters`` as views of one buffer.

    Each value is copied into the buffer (laid out by :func:`flat_layout`)
    and ``param.value`` becomes its view, so a flat optimizer step updates
    every parameter in one array operation.  Call it only while nobody else
    holds the old value arrays (right after building or copying a network).
    Parameters of mixed or non-floating dtypes, or values that are not plain
    arrays, are left alone.

    Parameters
    ----------
    parameters : iterable of Parameter
        The parameters whose values move into the buffer.

    Returns
    -------
    buffer : ndarray of shape (n_elements,) or None
        The shared buffer, or None when the values were left alone.
    """
    parameters = list(parameters)
    if not parameters or not all(
        type(p.value) is np.ndarray
        for p in parameters  # noqa: E721 (no subclasses)
    ):
        return None
    dtype = parameters[0].value.dtype
    if dtype.kind != "f" or any(p.value.dtype != dtype for p in parameters):
        return None
    slices, _ = flat_layout(parameters)
    buffer = np.empty(sum(p.value.size for p in parameters), dtype=dtype)
    for p, part in zip(parameters, slices):
        view = buffer[part].reshape(p.value.shape)
        view[...] = p.value
        p.value = view
    return buffer


class Layer:
    """Base class of every layer (and of containers, which are layers too).

    Life cycle: ``__init__`` stores hyperparameters only; ``build`` creates the
    arrays for a given input shape (batch axis excluded) and dtype;
    ``forward(x, training)`` computes the output (caching what ``backward``
    needs only when ``training=True``); ``backward(dy)`` sets each own
    ``Parameter.grad`` and returns ``dx``.

    Subclasses implement ``_build`` (create ``self.params`` / ``self.state`` and
    return the output shape), ``forward`` and ``backward``.

    Attributes
    ----------
    params : dict of str to Parameter
        Trainable parameters, in a fixed order.
    state : dict of str to ndarray
        Non-trainable buffers (e.g. running statistics).
    built : bool
    input_shape, output_shape : tuple of int
        Shapes without the batch axis.
    dtype : numpy dtype

    Examples
    --------
    A layer that doubles its input, with its derivative beside it:

    >>> import numpy as np
    >>> class Double(Layer):
    ...     def forward(self, x, training=False):
    ...         return 2 * x
    ...     def backward(self, dy):
    ...         return 2 * dy
    >>> layer = Double()
    >>> layer.build((3,), np.random.default_rng(0))
    (3,)
    >>> layer.forward(np.ones((1, 3))).tolist()
    [[2.0, 2.0, 2.0]]
    """

    # True when ``forward`` always returns a freshly allocated array that the
    # layer keeps no reference to; a following layer may then overwrite it.
    _fresh_output = False
    # Likewise for the array returned by ``backward``.
    _fresh_input_grad = False

    def __init__(self):
        self.params = {}
        self.state = {}
        self.built = False
        self.input_shape = None
        self.output_shape = None
        self.dtype = np.dtype(np.float64)
        self._cache = None

    def build(self, input_shape, rng, dtype=np.float64):
        """Create parameters and buffers for inputs of shape ``input_shape``.

        Parameters
        ----------
        input_shape : tuple of int
            Shape of one sample (batch axis excluded).
        rng : numpy.random.Generator
            Source of all randomness (initialisation, masks).
        dtype : dtype, default=np.float64
            Computation dtype (float32 or float64).

        Returns
        -------
        output_shape : tuple of int
        """
        self.dtype = np.dtype(dtype)
        self.params = {}
        self.state = {}
        self._cache = None
        self.input_shape = tuple(int(d) for d in input_shape)
        self.output_shape = tuple(int(d) for d in self._build(self.input_shape, rng))
        self.built = True
        return self.output_shape

    def _build(self, input_shape, rng):
        return input_shape

    def forward(self, x, training=False):
        """Compute the layer output.

        Parameters
        ----------
        x : ndarray of shape ``(n_samples, *input_shape)``
        training : bool, default=False
            Training mode: cache what :meth:`backward` needs (and, for
            dropout or batch normalisation, behave as in training).

        Returns
        -------
        ndarray of shape ``(n_samples, *output_shape)``
        """
        raise NotImplementedError

    def backward(self, dy):
        """Set parameter gradients from ``dy`` and return the input gradient.

        Parameters
        ----------
        dy : ndarray of shape ``(n_samples, *output_shape)``
            Gradient of the loss with respect to the last training forward's
            output.

        Returns
        -------
        dx : ndarray of shape ``(n_samples, *input_shape)``
        """
        raise NotImplementedError

    def backward_params(self, dy):
        """Like :meth:`backward` when the input gradient is not needed.

        Layers override it to skip computing ``dx`` (e.g. the first layer of a
        network); the default simply discards it.

        Parameters
        ----------
        dy : ndarray of shape ``(n_samples, *output_shape)``
        """
        self.backward(dy)

    def _forward_owned(self, x, training):
        # Called by containers when ``x`` is a scratch array nobody else
        # references; layers may then reuse its memory.
        return self.forward(x, training)

    def _backward_owned(self, dy):
        return self.backward(dy)

    def sublayers(self):
        """Child layers (containers); parameters and weights chain through them."""
        return []

    def parameters(self):
        """Return the trainable Parameters in a fixed order (own, then children's)."""
        own = list(self.params.values())
        return own + [p for child in self.sublayers() for p in child.parameters()]

    def get_weights(self):
        """Copies of own parameter values, own state buffers, then children's."""
        weights = [p.value.copy() for p in self.params.values()]
        weights += [s.copy() for s in self.state.values()]
        return weights + [w for child in self.sublayers() for w in child.get_weights()]

    def set_weights(self, weights):
        """Copy ``weights`` (as returned by :meth:`get_weights`) back in place."""
        weights = list(weights)
        expected = self._n_weights()
        if len(weights) != expected:
            raise ValueError(f"Expected {expected} arrays, got {len(weights)}.")
        targets = [p.value for p in self.params.values()] + list(self.state.values())
        for target, source in zip(targets, weights):
            np.copyto(target, source)
        start = len(targets)
        for child in self.sublayers():
            count = child._n_weights()
            child.set_weights(weights[start : start + count])
            start += count

    def _n_weights(self):
        own = len(self.params) + len(self.state)
        return own + sum(child._n_weights() for child in self.sublayers())

    def clear_cache(self):
        """Drop forward caches and parameter gradients (recursively)."""
        self._cache = None
        for p in self.params.values():
            p.grad = None
        for child in self.sublayers():
            child.clear_cache()

    def walk(self):
        """Yield this layer and, depth first, every layer inside it."""
        yield self
        for child in self.sublayers():
            yield from child.walk()

    def _require_cache(self):
        if self._cache is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward needs a preceding "
                "forward(x, training=True)."
            )
        return self._cache

    def __getstate__(self):
        # Caches and scratch buffers are rebuilt on demand; keep pickles small.
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_scratch")}
        state["_cache"] = None
        return state

    def __deepcopy__(self, memo):
        # A pickle round trip's copy (same __getstate__/__setstate__), with
        # immutable fields shared instead of sent through deepcopy's generic
        # machinery: an MLP's partial_fit copies its network on every call
        # (85 -> 30 us for a one-hidden-layer network).
        cls = type(self)
        clone = cls.__new__(cls)
        memo[id(self)] = clone
        state = {
            key: value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value, memo)
            for key, value in self.__getstate__().items()
        }
        setstate = getattr(clone, "__setstate__", None)
        if setstate is None:
            clone.__dict__.update(state)
        else:
            setstate(state)
        return clone

    def __repr__(self):
        hyper = {
            k: v
            for k, v in self.__dict__.items()
            if not k.startswith("_")
            and k not in ("params", "state", "built", "input_shape")
            and k not in ("output_shape", "dtype")
        }
        inner = ", ".join(f"{k}={v!r}" for k, v in hyper.items())
        return f"{type(self).__name__}({inner})"
