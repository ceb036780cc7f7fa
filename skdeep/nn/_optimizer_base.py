"""Optimizer base class and the penalty helpers (the one place that math lives)."""

from __future__ import annotations

import math

import numpy as np

from ._flat import FlatGradients

__all__ = ["Optimizer", "penalty_value", "add_penalty_gradient"]


def axpy(a, x, y):
    """In place ``y += a * x``.

    Plain numpy ufuncs on purpose: a multi-threaded BLAS ``axpy`` wakes its
    thread pool for every call, which made an MLP epoch several times slower
    than the matrix products it wraps.
    """
    y += a * x
    return y


def moving_average(average, value, decay, scratch=None):
    """In place ``average = decay * average + (1 - decay) * value``.

    ``scratch`` (same shape, may alias ``value``) avoids a temporary.
    """
    average *= decay
    if scratch is None:
        return axpy(1 - decay, value, average)
    np.multiply(value, 1 - decay, out=scratch)
    average += scratch
    return average


def normalized_step(target, rate, direction, mean_square, epsilon, scratch):
    """In place ``target -= rate * direction / (sqrt(mean_square) + epsilon)``.

    The one RMS-normalised step of Adagrad, RMSprop and the Adam family;
    ``scratch`` (same shape, may alias ``mean_square``) avoids allocating.
    """
    np.sqrt(mean_square, out=scratch)
    scratch += epsilon
    np.divide(direction, scratch, out=scratch)
    scratch *= -rate
    target += scratch
    return target


def penalty_value(parameters, *, l2=0.0, l1=0.0, n_samples=1.0):
    """L2/L1 penalty of the regularised parameters.

    Parameters
    ----------
    parameters : list of Parameter
        Only those with ``regularize=True`` count.
    l2, l1 : float, default=0.0
        Penalty strengths (scikit-learn's ``alpha`` is ``l2``).
    n_samples : float, default=1.0
        The batch's sample count (or weight sum); scikit-learn's MLP divides
        the penalty by it so that ``alpha`` means the same for any batch size.

    Returns
    -------
    float
        ``sum over regularised p of (0.5 l2 sum p^2 + l1 sum |p|) / n_samples``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> penalty_value([Parameter(np.array([3.0, 4.0]))], l2=1.0, n_samples=5)
    2.5
    """
    if not (l2 or l1):
        return 0.0
    total = 0.0
    for p in parameters:
        if not p.regularize:
            continue
        flat = p.value.ravel()
        if l2:
            total += 0.5 * l2 * float(np.vdot(flat, flat))
        if l1:
            total += l1 * float(np.abs(flat).sum())
    return total / n_samples


def add_penalty_gradient(parameters, *, l2=0.0, l1=0.0, n_samples=1.0, scratch=None):
    """Add the penalty gradient ``(l2 p + l1 sign(p)) / n_samples`` to ``p.grad``.

    Parameters
    ----------
    parameters : list of Parameter
        Regularised parameters with a gradient are updated in place.
    l2, l1 : float, default=0.0
    n_samples : float, default=1.0
    scratch : list of ndarray, default=None
        One buffer shaped like each parameter, to avoid temporaries.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([2.0, -2.0])); p.grad = np.zeros(2)
    >>> add_penalty_gradient([p], l2=1.0, l1=1.0, n_samples=2)
    >>> p.grad
    array([ 1.5, -1.5])
    """
    if not (l2 or l1):
        return
    scratch = [None] * len(parameters) if scratch is None else scratch
    for p, buffer in zip(parameters, scratch):
        if not p.regularize or p.grad is None:
            continue
        if l2 and buffer is not None:
            np.multiply(p.value, l2 / n_samples, out=buffer)
            p.grad += buffer
        elif l2:
            axpy(l2 / n_samples, p.value, p.grad)
        if l1:
            p.grad += (l1 / n_samples) * np.sign(p.value)


class Optimizer:
    """Base class: penalties, clipping, lazily created slots, max-norm.

    Optimizers see Parameters only, never layers. :meth:`step` adds the
    penalty gradient, clips, applies each parameter's update rule
    (:meth:`_update`, one per subclass) and enforces the max-norm constraint.

    Parameters
    ----------
    learning_rate : float, default=0.001
        Step size; schedules change it between epochs.
    l2 : float, default=0.0
        L2 penalty strength (scikit-learn's ``alpha``).
    l1 : float, default=0.0
        L1 penalty strength.
    clipnorm : float or None, default=None
        Rescale all gradients together so their global L2 norm is at most this.
    clipvalue : float or None, default=None
        Clip each gradient entry to ``[-clipvalue, clipvalue]`` (before
        ``clipnorm``).
    max_norm : float or None, default=None
        After each step, rescale each unit's incoming weight vector (norm over
        all axes but the last) of regularised parameters to at most this.

    Attributes
    ----------
    iterations : int
        Steps taken.
    slots : dict of int to dict
        Per-parameter state (velocities, moments), keyed by the parameter's
        position in the list given to :meth:`step`.

    Examples
    --------
    A new rule only implements ``_update`` (here sign descent):

    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> class SignDescent(Optimizer):
    ...     def _update(self, index, param, grad):
    ...         param.value -= self.learning_rate * np.sign(grad)
    >>> p = Parameter(np.array([1.0, 1.0])); p.grad = np.array([3.0, -0.1])
    >>> SignDescent(0.5, clipvalue=1.0).step([p])
    >>> p.value.tolist()
    [0.5, 1.5]
    """

    def __init__(
        self,
        learning_rate=0.001,
        *,
        l2=0.0,
        l1=0.0,
        clipnorm=None,
        clipvalue=None,
        max_norm=None,
    ):
        self.learning_rate = learning_rate
        self.l2 = l2
        self.l1 = l1
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.max_norm = max_norm
        self.iterations = 0
        self.slots = {}

    #: Whether ``_update`` only ever changes ``param.value`` by an in-place
    #: ``+=``/``-=`` (never reads it), so one call can serve every parameter.
    _elementwise_rule = False
    #: Set by :meth:`step`: whether ``_update`` may overwrite the gradient.
    _consume_gradients = False

    def step(self, parameters, n_samples=1.0, *, consume_gradients=False):
        """Update ``parameters`` in place from their ``grad``.

        Parameters
        ----------
        parameters : list of Parameter
            Always the same list, in the same order (slots are positional).
        n_samples : float, default=1.0
            The batch's sample count or weight sum (divides the penalties).
        consume_gradients : bool, default=False
            Let the rule use the gradient arrays as scratch space: their
            contents are undefined after the step (otherwise they hold the
            gradients the rule used, penalty and clipping included).
            :func:`~skdeep.nn.train` sets it (every batch computes new
            gradients); it spares a scratch buffer's memory traffic (2-8 %
            of an MLP step).
        """
        self._consume_gradients = consume_gradients
        flat = self._flat_gradients(parameters)
        if flat is not None and flat.penalized is not None:
            penalized, scratch = [flat.penalized], [flat.penalized_scratch]
        else:
            penalized = parameters
            scratch = None if flat is None else flat.scratch_views
        add_penalty_gradient(
            penalized, l2=self.l2, l1=self.l1, n_samples=n_samples, scratch=scratch
        )
        if flat is not None:
            # One pass of the rule over every parameter (same result, far
            # fewer array operations).
            self._clip_arrays([flat.grad])
            self._update("flat", flat.target, flat.grad)
        else:
            self._clip(parameters)
            for index, param in enumerate(parameters):
                if param.grad is not None:
                    self._update(index, param, param.grad)
        self.iterations += 1
        if self.max_norm is not None:
            apply_max_norm(parameters, self.max_norm)

    def penalty(self, parameters, n_samples=1.0):
        """The optimizer's own L2/L1 penalty value (see :func:`penalty_value`)."""
        if not (self.l2 or self.l1):
            return 0.0
        flat = self.__dict__.get("_flat")
        if flat is not None and flat.penalized is not None and flat.bind(parameters):
            parameters = [flat.penalized]  # one pass over all regularised values
        return penalty_value(parameters, l2=self.l2, l1=self.l1, n_samples=n_samples)

    def _update(self, index, param, grad):
        raise NotImplementedError

    def _scratch(self, index, param, grad):
        """A buffer shaped like ``param`` for intermediate results: ``grad``
        itself when the step may consume it, else a per-parameter slot."""
        if self._consume_gradients:
            return grad
        return self._slot(index, "scratch", param.value)

    def _slot(self, index, name, like, fill=0.0):
        """Per-parameter buffer ``name``, created filled with ``fill`` on first use."""
        slots = self.slots.setdefault(index, {})
        buffer = slots.get(name)
        if buffer is None or buffer.shape != like.shape:
            buffer = slots[name] = np.full(like.shape, fill, dtype=like.dtype)
        return buffer

    def _flat_gradients(self, parameters):
        """The :class:`FlatGradients` of ``parameters``, or None (per-parameter).

        Only rules that touch ``param.value`` solely through an in-place
        ``+=``/``-=`` step qualify (``_elementwise_rule``).  The state (moments)
        then lives in the "flat" slots; a list that cannot be flattened keeps
        the per-parameter path from its first step on.
        """
        if not self._elementwise_rule or self.slots.keys() - {"flat"}:
            return None
        flat = self.__dict__.get("_flat")
        if flat is not None and flat.bind(parameters):
            return flat
        if not FlatGradients.eligible(parameters):
            return None
        if "flat" in self.slots:
            layout = sum(p.value.size for p in parameters)
            if any(s.size != layout for s in self.slots["flat"].values()):
                return None
        self._flat = FlatGradients(parameters)
        return self._flat

    def __getstate__(self):
        # The flat gradient buffer is per-fit scratch tied to one network.
        state = self.__dict__.copy()
        state.pop("_flat", None)
        return state

    def _clip(self, parameters):
        self._clip_arrays([p.grad for p in parameters if p.grad is not None])

    def _clip_arrays(self, grads):
        if self.clipvalue is not None:
            for g in grads:
                np.clip(g, -self.clipvalue, self.clipvalue, out=g)
        if self.clipnorm is not None:
            norm = math.sqrt(sum(float(np.square(g).sum()) for g in grads))
            if norm > self.clipnorm:
                scale = self.clipnorm / norm
                for g in grads:
                    g *= scale

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate!r})"


def apply_max_norm(parameters, max_norm):
    """Rescale incoming weight vectors of regularised ≥2-D parameters in place.

    The norm of each output unit (last axis) over all other axes is capped at
    ``max_norm``; vectors already inside the ball are untouched.

    Parameters
    ----------
    parameters : list of Parameter
        Only regularised parameters of two or more dimensions (kernels) are
        rescaled; biases and other parameters are left alone.
    max_norm : float
        Largest allowed Euclidean norm of each output unit's weight vector.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([[3.0, 0.1], [4.0, 0.0]]))
    >>> apply_max_norm([p], 1.0)
    >>> np.linalg.norm(p.value, axis=0).round(6).tolist()
    [1.0, 0.1]
    """
    for p in parameters:
        if not p.regularize or p.value.ndim < 2:
            continue
        axes = tuple(range(p.value.ndim - 1))
        norms = np.sqrt(np.sum(p.value * p.value, axis=axes))
        too_long = norms > max_norm
        if np.any(too_long):
            factor = np.ones_like(norms)
            factor[too_long] = max_norm / norms[too_long]
            p.value *= factor
