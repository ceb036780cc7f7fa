"""One contiguous gradient buffer for all the parameters an optimizer updates.

An elementwise update rule (SGD, Adam, RMSprop, ...) costs a dozen array
operations per parameter; for a network of many small parameters most of the
time goes to calling them, not to the arithmetic.  :class:`FlatGradients`
makes every parameter's ``grad`` a view of one buffer, so the rule runs once
over all of them, with its moment buffers flat as well.  Each element sees
exactly the same operations as in the per-parameter update, so the results
are identical bit for bit.

The optimizer never moves parameter *values*: outside references to them
(such as an estimator's ``coefs_``) stay valid.  When the values already are
consecutive views of one buffer (``share_value_buffer`` lays them out so when
a :class:`~skdeep.nn.Sequential` is built or copied), the rule steps that
buffer in one operation; otherwise its in-place step on the flat "value" is
passed on to each parameter's own array.
"""

from __future__ import annotations

from operator import is_

import numpy as np

from .layers.base import Parameter, flat_layout

__all__ = ["FlatGradients"]


def _shared_buffer(parameters, slices, size):
    """The buffer of ``size`` elements whose views the values are, at ``slices``."""
    base = parameters[0].value.base
    if (
        not isinstance(base, np.ndarray)
        or base.ndim != 1
        or base.size != size
        or not base.flags.c_contiguous
    ):
        return None
    address, itemsize = base.ctypes.data, base.itemsize
    for p, part in zip(parameters, slices):
        value = p.value
        if (
            value.base is not base
            or not value.flags.c_contiguous
            or value.ctypes.data != address + part.start * itemsize
        ):
            return None
    return base


class _StepSink:
    """Takes the place of ``param.value``: an in-place step goes to every value.

    ``sink += step`` (or ``-=``) with a flat ``step`` adds the matching slice
    of ``step`` to each parameter's own value array, in place.
    """

    def __init__(self, parameters, slices, size, dtype):
        self._parameters = parameters
        self._slices = slices
        self.shape = (size,)
        self.dtype = dtype

    def __iadd__(self, step):
        for p, part in zip(self._parameters, self._slices):
            p.value += step[part].reshape(p.value.shape)
        return self

    def __isub__(self, step):
        for p, part in zip(self._parameters, self._slices):
            p.value -= step[part].reshape(p.value.shape)
        return self


class FlatGradients:
    """The gradients of ``parameters`` as views of one contiguous buffer.

    Parameters
    ----------
    parameters : list of Parameter
        Each with a gradient, all of one floating dtype.  Their current
        ``grad`` arrays are copied into the buffer and replaced by views.

    Attributes
    ----------
    grad : ndarray of shape (n_elements,)
        Every gradient, one after the other.
    scratch_views : list of ndarray
        A scratch buffer shaped like each parameter (views of one array).
    penalized : Parameter or None
        With a shared value buffer, all regularised parameters as one (the
        layout puts them first), so penalties take one operation; else None.
    target : Parameter
        What the update rule sees as the parameter: its ``value`` takes an
        in-place step (``+=``/``-=``) for every parameter.  It is the values'
        shared buffer when they have one, else an object that passes the step
        on to each parameter's own array.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> a, b = Parameter(np.zeros((2, 2))), Parameter(np.zeros(3))
    >>> a.grad, b.grad = np.ones((2, 2)), np.full(3, 2.0)
    >>> flat = FlatGradients([a, b])
    >>> flat.grad.tolist()
    [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    >>> a.grad.base is flat.grad
    True
    """

    def __init__(self, parameters):
        self.parameters = list(parameters)
        dtype = self.parameters[0].value.dtype
        self.slices, n_regularized = flat_layout(self.parameters)
        size = sum(p.value.size for p in self.parameters)
        self.grad = np.empty(size, dtype=dtype)
        self._grad_views = [
            self.grad[part].reshape(p.value.shape)
            for p, part in zip(self.parameters, self.slices)
        ]
        scratch = np.empty(size, dtype=dtype)
        self.scratch_views = [
            scratch[part].reshape(p.value.shape)
            for p, part in zip(self.parameters, self.slices)
        ]
        values = _shared_buffer(self.parameters, self.slices, size)
        # The value arrays the shared buffer was checked for (see ``bind``).
        self._values = None if values is None else [p.value for p in self.parameters]
        self.penalized = self.penalized_scratch = None
        if values is None:
            values = _StepSink(self.parameters, self.slices, size, dtype)
        elif n_regularized:
            # Every regularised parameter at once (the layout's prefix).
            prefix = slice(0, n_regularized)
            self.penalized = Parameter(values[prefix], regularize=True, name="flat")
            self.penalized.grad = self.grad[prefix]
            self.penalized_scratch = scratch[prefix]
        self.target = Parameter(values, regularize=False, name="flat")
        self.target.grad = self.grad
        self.bind(self.parameters)

    @staticmethod
    def eligible(parameters):
        """Whether ``parameters`` (all with gradients, one dtype) can be flattened."""
        if not parameters:
            return False
        dtype = parameters[0].value.dtype
        for p in parameters:
            value, grad = p.value, p.grad
            if not isinstance(value, np.ndarray) or not isinstance(grad, np.ndarray):
                return False
            if value.dtype != dtype or grad.dtype != dtype or grad.shape != value.shape:
                return False
        return dtype.kind == "f"

    def bind(self, parameters):
        """Point the gradients of ``parameters`` at the buffer; False if foreign.

        ``parameters`` must be the very objects (and shapes) this buffer was
        made for and, when the step goes to the values' shared buffer, still
        hold those values.  A gradient that a layer replaced by a new array is
        copied into the buffer first.
        """
        if len(parameters) != len(self.parameters):
            return False
        if (
            all(map(is_, parameters, self.parameters))
            and all(map(is_, (p.grad for p in parameters), self._grad_views))
            and (
                self._values is None
                or all(map(is_, (p.value for p in parameters), self._values))
            )
        ):
            return True  # the usual case: nothing changed since the last step
        values = self._values or [None] * len(parameters)
        for p, own, view, value in zip(
            parameters, self.parameters, self._grad_views, values
        ):
            if p is not own or p.value.shape != view.shape:
                return False
            if value is not None and p.value is not value:
                return False
            grad = p.grad
            if grad is view:
                continue
            if grad is None or grad.shape != view.shape:
                return False
            np.copyto(view, grad)
            p.grad = view
        return True
