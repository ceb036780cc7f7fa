"""Array API inputs for estimators whose arithmetic is numpy's.

With scikit-learn's ``array_api_dispatch`` enabled, a method decorated with
:func:`array_api_boundary` that receives arrays of another namespace
(PyTorch, CuPy, array-api-strict, ...) runs on a numpy copy of the estimator:

* the inputs, and the fitted array attributes, are moved to numpy on the CPU;
* the numpy method runs with dispatch off;
* the fitted attributes a fit sets, and the method's array output, are moved
  back to the input's namespace and device.

The estimator then behaves as scikit-learn's array-API estimators do (fitted
attributes and outputs live where ``X`` lives), while the computation stays
the numpy one: the results equal those of numpy inputs.  A failed fit leaves
the estimator as it was (the numpy copy is discarded).  Without dispatch, or
with numpy inputs, the method runs unchanged.
"""

from __future__ import annotations

import copy
import functools
import numbers

import numpy as np
from sklearn import config_context, get_config
from sklearn.utils._array_api import (
    _convert_to_numpy,
    _is_numpy_namespace,
    get_namespace_and_device,
)

try:  # scikit-learn >= 1.7 vendors array_api_compat
    from sklearn.externals.array_api_compat import is_array_api_obj
except ImportError:  # earlier releases dispatch through the package, if installed
    try:
        from array_api_compat import is_array_api_obj
    except ImportError:

        def is_array_api_obj(x):
            return hasattr(x, "__array_namespace__")


__all__ = ["array_api_boundary", "check_same_namespace", "foreign_namespace"]


def foreign_namespace(*arrays):
    """``(xp, device)`` of non-numpy array API inputs under dispatch, else None.

    Parameters
    ----------
    *arrays : objects
        Candidate inputs; numpy arrays and anything that is not an array API
        array (None, lists, sparse matrices, data frames) are ignored.

    Returns
    -------
    tuple or None
        The namespace and device, or None when the call needs no conversion.
    """
    if not get_config().get("array_api_dispatch", False):
        return None
    candidates = [
        a
        for a in arrays
        if is_array_api_obj(a) and not isinstance(a, (np.ndarray, np.generic))
    ]
    if not candidates:
        return None
    xp, _, device = get_namespace_and_device(*candidates)
    if _is_numpy_namespace(xp):
        return None
    return xp, device


def _to_numpy(value):
    """``value`` on the CPU in numpy if it is another namespace's array."""
    if not is_array_api_obj(value) or isinstance(value, (np.ndarray, np.generic)):
        return value
    # Each its own namespace: y may come from another one than X.
    xp = get_namespace_and_device(value)[0]
    try:
        return _convert_to_numpy(value, xp)
    except RuntimeError:
        # Before scikit-learn 1.8 only arrays on the default (CPU) device
        # convert, e.g. not array-api-strict's other devices: go there first.
        default = xp.__array_namespace_info__().default_device()
        return _convert_to_numpy(value.to_device(default), xp)


def _to_namespace(value, xp, device):
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return xp.asarray(value, device=device)
    return value


def _fitted_namespace(estimator):
    arrays = [v for k, v in vars(estimator).items() if k.endswith("_")]
    return foreign_namespace(*arrays)


def _numpy_copy(estimator):
    """A shallow copy whose attributes are numpy arrays (fitted floats too)."""
    clone = copy.copy(estimator)
    for key, value in vars(estimator).items():
        setattr(clone, key, _to_numpy(value))
    return clone


def _adopt_fitted(estimator, fitted, xp, device):
    """Copy the state ``fitted`` gained onto ``estimator``, in namespace ``xp``.

    Float attributes listed in ``_array_api_scalar_attributes`` become 0-d
    arrays, as scikit-learn's array API fits leave them.
    """
    params = estimator.get_params(deep=False)
    scalars = getattr(estimator, "_array_api_scalar_attributes", ())
    floats = [
        v.dtype
        for k, v in vars(fitted).items()
        if k.endswith("_") and isinstance(v, np.ndarray) and v.dtype.kind == "f"
    ]
    for key, value in vars(fitted).items():
        if key in params:
            continue
        if key in scalars and isinstance(value, numbers.Real) and floats:
            value = np.asarray(value, dtype=floats[0])
        setattr(estimator, key, _to_namespace(value, xp, device))


def check_same_namespace(estimator, X, attribute, method_name):
    """Under dispatch, refuse ``X`` from another namespace or device than the fit.

    scikit-learn's array API estimators refuse such calls rather than move
    data silently; ``attribute`` is a fitted array standing for the fit.

    Parameters
    ----------
    estimator : estimator
    X : array-like
    attribute : str
        Name of a fitted array attribute.
    method_name : str
        For the message.
    """
    fitted = getattr(estimator, attribute, None)
    if fitted is None or not get_config().get("array_api_dispatch", False):
        return
    fit_xp, _, fit_device = get_namespace_and_device(fitted)
    X_xp, _, X_device = get_namespace_and_device(X)
    if _is_numpy_namespace(fit_xp) and _is_numpy_namespace(X_xp):
        return
    if fit_xp == X_xp and fit_device == X_device:
        return
    raise ValueError(
        f"Inputs passed to {type(estimator).__name__}.{method_name}() must use "
        "the same namespace and the same device as those passed to fit(). "
        f"fit() saw {fit_xp.__name__} (device {fit_device}), {method_name}() "
        f"got {X_xp.__name__} (device {X_device}): convert X, or refit."
    )


def array_api_boundary(method=None, *, fits=False, reference=None):
    """Decorate an estimator method to accept array API inputs (see module).

    Parameters
    ----------
    method : callable
        The numpy method; its first positional argument after ``self`` is
        ``X`` (optional: methods without it take the namespace of the fitted
        attributes).
    fits : bool, default=False
        Whether the method fits (its new attributes are moved back).  Before
        a fit, ``estimator._array_api_overrides(X)`` (when defined) may
        return parameter values for the numpy copy, or raise for settings
        that array API inputs do not support.
    reference : str or None, default=None
        A fitted array attribute: ``X`` must then come from its namespace and
        device (:func:`check_same_namespace`).

    Returns
    -------
    callable
    """
    if method is None:
        return functools.partial(array_api_boundary, fits=fits, reference=reference)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        X = args[0] if args else kwargs.get("X")
        if reference is not None and X is not None:
            check_same_namespace(self, X, reference, method.__name__)
        target = foreign_namespace(X)
        if target is None and not fits:
            target = _fitted_namespace(self)
        if target is None:
            return method(self, *args, **kwargs)
        xp, device = target
        args = [_to_numpy(a) for a in args]
        kwargs = {k: _to_numpy(v) for k, v in kwargs.items()}
        numpy_self = _numpy_copy(self)
        if fits and hasattr(self, "_array_api_overrides"):
            X = args[0] if args else kwargs["X"]
            numpy_self.set_params(**self._array_api_overrides(X))
        with config_context(array_api_dispatch=False):
            result = method(numpy_self, *args, **kwargs)
        if fits:
            _adopt_fitted(self, numpy_self, xp, device)
        if result is numpy_self:
            return self
        return _to_namespace(result, xp, device)

    return wrapper
