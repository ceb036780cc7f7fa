"""Declarative validation of estimator hyper-parameters.

Estimators describe their parameters in a class attribute
``_parameter_constraints`` (a dict ``name -> list of constraints``) in the same
format scikit-learn uses.  This module reads that dict; it deliberately does not
import scikit-learn's private validation module, which changes between releases.

A constraint is one of

* a type (``numbers.Real``, ``str``, ``np.ndarray``, any class): ``isinstance``;
* ``None``: the value ``None``;
* a string shortcut: ``"array-like"``, ``"sparse matrix"``, ``"random_state"``,
  ``"boolean"``, ``"verbose"``, ``"cv_object"``, ``"nan"``;
* ``callable`` (the builtin): any callable;
* an :class:`Interval`, :class:`StrOptions`, :class:`Options`,
  :class:`HasMethods` or :class:`Hidden` instance.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "validate_parameter_constraints",
]


def _invalid_parameter_base():
    # Subclass scikit-learn's exception when it is importable so that code (and
    # scikit-learn's own test-suites) catching it also catches ours.  Only the
    # exception class is borrowed; the validation logic below is our own.
    try:
        from sklearn.utils._param_validation import InvalidParameterError as base
    except ImportError:  # pragma: no cover - depends on the sklearn release
        return (ValueError, TypeError)
    return (base,)


class InvalidParameterError(*_invalid_parameter_base()):
    """Raised when a hyper-parameter has an invalid type or value.

    It is both a :class:`ValueError` and a :class:`TypeError`.
    """


class RealNotInt(numbers.Real):
    """A type matching real numbers that are not integers (``0.5`` not ``1``)."""


RealNotInt.register(float)


def _type_name(t) -> str:
    if t is numbers.Integral:
        return "int"
    if t is numbers.Real:
        return "float"
    if t is RealNotInt:
        return "float"
    if t is numbers.Number:
        return "a number"
    return getattr(t, "__qualname__", str(t))


class _Constraint:
    hidden = False

    def is_satisfied_by(self, value) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def __str__(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class _InstancesOf(_Constraint):
    def __init__(self, type_):
        self.type = type_

    def is_satisfied_by(self, value):
        if self.type is RealNotInt:
            return isinstance(value, numbers.Real) and not isinstance(
                value, numbers.Integral
            )
        return isinstance(value, self.type)

    def __str__(self):
        return f"an instance of {_type_name(self.type)!r}"


class _Predicate(_Constraint):
    def __init__(self, predicate, description):
        self.predicate = predicate
        self.description = description

    def is_satisfied_by(self, value):
        return bool(self.predicate(value))

    def __str__(self):
        return self.description


def _is_random_state(value):
    return value is None or isinstance(
        value, (numbers.Integral, np.random.RandomState, np.random.Generator)
    )


def _is_boolean(value):
    return isinstance(value, (bool, np.bool_))


def _is_verbose(value):
    return isinstance(value, (numbers.Integral, bool, np.bool_))


def _is_nan(value):
    return (
        isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)
    ) and math.isnan(value)


def _is_cv_object(value):
    return (
        value is None
        or isinstance(value, numbers.Integral)
        or hasattr(value, "split")
        or (isinstance(value, Iterable) and not isinstance(value, str))
    )


def _is_array_like(value):
    return (
        hasattr(value, "__len__")
        or hasattr(value, "shape")
        or hasattr(value, "__array__")
    )


_SHORTCUTS = {
    "array-like": (_is_array_like, "an array-like"),
    "sparse matrix": (sp.issparse, "a sparse matrix"),
    "random_state": (
        _is_random_state,
        "an int, a numpy.random.RandomState instance or None",
    ),
    "boolean": (_is_boolean, "an instance of 'bool' or an instance of 'numpy.bool_'"),
    "verbose": (_is_verbose, "an int or a bool"),
    "cv_object": (
        _is_cv_object,
        "an int, a cross-validation generator, an iterable or None",
    ),
    "nan": (_is_nan, "nan"),
}


class Interval(_Constraint):
    """Numbers of a given type inside an interval.

    Parameters
    ----------
    type : {numbers.Integral, numbers.Real, RealNotInt}
        Accepted number type.
    left, right : float or None
        Bounds; ``None`` means unbounded on that side.
    closed : {"left", "right", "both", "neither"}
        Which bounds belong to the interval.

    Examples
    --------
    >>> from numbers import Real
    >>> Interval(Real, 0, 1, closed="left").is_satisfied_by(0.0)
    True
    """

    def __init__(self, type, left, right, *, closed):
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(f"closed must be left/right/both/neither, got {closed}")
        self.type = type
        self.left = left
        self.right = right
        self.closed = closed

    def __contains__(self, value):
        if not isinstance(value, numbers.Real) or (
            isinstance(value, float) and math.isnan(value)
        ):
            return False
        left_ok = self.left is None or (
            value >= self.left if self.closed in ("left", "both") else value > self.left
        )
        right_ok = self.right is None or (
            value <= self.right
            if self.closed in ("right", "both")
            else value < self.right
        )
        return left_ok and right_ok

    def is_satisfied_by(self, value):
        if not _InstancesOf(self.type).is_satisfied_by(value):
            return False
        return value in self

    def __str__(self):
        left_bracket = "[" if self.closed in ("left", "both") else "("
        right_bracket = "]" if self.closed in ("right", "both") else ")"
        left = "-inf" if self.left is None else self.left
        right = "inf" if self.right is None else self.right
        kind = "an int" if self.type is numbers.Integral else "a float"
        return f"{kind} in the range {left_bracket}{left}, {right}{right_bracket}"


class Options(_Constraint):
    """A finite set of accepted values of a given type.

    Parameters
    ----------
    type : type or tuple of types
        Accepted value type.
    options : iterable
        The accepted values.
    deprecated : iterable, default=None
        Values still accepted but marked "(deprecated)" in error messages.

    Examples
    --------
    >>> from numbers import Integral
    >>> choices = Options(Integral, {1, 2})
    >>> choices.is_satisfied_by(2), choices.is_satisfied_by(3)
    (True, False)
    """

    def __init__(self, type, options, *, deprecated=None):
        self.type = type
        self.options = set(options)
        self.deprecated = set(deprecated or ())

    def is_satisfied_by(self, value):
        return isinstance(value, self.type) and value in self.options

    def __str__(self):
        shown = ", ".join(
            f"{o!r}" + (" (deprecated)" if o in self.deprecated else "")
            for o in sorted(self.options, key=str)
        )
        return f"a {_type_name(self.type)} among {{{shown}}}"


class StrOptions(Options):
    """A finite set of accepted strings.

    Parameters
    ----------
    options : iterable of str
        The accepted strings.
    deprecated : iterable of str, default=None
        Strings still accepted but marked "(deprecated)" in error messages.

    Examples
    --------
    >>> StrOptions({"adam", "sgd"}).is_satisfied_by("adam")
    True
    """

    def __init__(self, options, *, deprecated=None):
        super().__init__(str, options, deprecated=deprecated)


class HasMethods(_Constraint):
    """Objects exposing all the given methods (duck typing).

    Parameters
    ----------
    methods : str or list of str
        Names of the methods every accepted object must have.

    Examples
    --------
    >>> HasMethods(["fit", "predict"]).is_satisfied_by(object())
    False
    """

    def __init__(self, methods):
        self.methods = [methods] if isinstance(methods, str) else list(methods)

    def is_satisfied_by(self, value):
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        names = ", ".join(repr(m) for m in self.methods)
        return f"an object implementing {names}"


class Hidden:
    """Wrap a constraint that is accepted but not advertised in error messages.

    Parameters
    ----------
    constraint : constraint
        Any constraint :func:`validate_parameter_constraints` understands.

    Examples
    --------
    >>> Hidden(StrOptions({"warn"})).constraint.options
    {'warn'}
    """

    def __init__(self, constraint):
        self.constraint = constraint


def _make_constraint(constraint) -> _Constraint:
    if isinstance(constraint, Hidden):
        inner = _make_constraint(constraint.constraint)
        inner.hidden = True
        return inner
    if isinstance(constraint, _Constraint):
        return constraint
    if constraint is None:
        return _Predicate(lambda v: v is None, "None")
    if constraint is callable:
        return _Predicate(callable, "a callable")
    if isinstance(constraint, str):
        if constraint not in _SHORTCUTS:
            raise ValueError(f"Unknown constraint shortcut {constraint!r}.")
        return _Predicate(*_SHORTCUTS[constraint])
    if isinstance(constraint, type):
        return _InstancesOf(constraint)
    raise ValueError(f"Unknown constraint {constraint!r}.")


def validate_parameter_constraints(constraints, params, caller_name):
    """Check ``params`` against ``constraints`` and raise a clear error.

    Parameters
    ----------
    constraints : dict or "no_validation"
        ``name -> list of constraints``; a name mapped to ``"no_validation"``
        (or missing from the dict) is not checked.
    params : dict
        ``name -> value`` as returned by ``get_params(deep=False)``.
    caller_name : str
        Class or function name used in the error message.

    Raises
    ------
    InvalidParameterError
        If a value satisfies none of its constraints.
    """
    if constraints == "no_validation":
        return
    for name, value in params.items():
        if name not in constraints or constraints[name] == "no_validation":
            continue
        made = [_make_constraint(c) for c in constraints[name]]
        if any(c.is_satisfied_by(value) for c in made):
            continue
        shown = [str(c) for c in made if not c.hidden]
        if len(shown) == 1:
            described = shown[0]
        else:
            described = ", ".join(shown[:-1]) + " or " + shown[-1]
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller_name} must be {described}. "
            f"Got {value!r} instead."
        )
