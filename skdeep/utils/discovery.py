"""Enumerate skdeep's public estimators (used by the common tests and the tour)."""

from __future__ import annotations

import importlib
import inspect

from sklearn.base import BaseEstimator

#: Subpackages holding public estimators, in tour order.
ESTIMATOR_SUBPACKAGES = ("neural_network", "cluster", "ensemble", "decomposition")


def all_estimators():
    """Return every public skdeep estimator class.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name, one per class listed in a
        subpackage's ``__all__`` that subclasses :class:`sklearn.base.BaseEstimator`.

    Examples
    --------
    >>> from skdeep.utils.discovery import all_estimators
    >>> all(isinstance(name, str) for name, _ in all_estimators())
    True
    """
    found = {}
    for sub in ESTIMATOR_SUBPACKAGES:
        module = importlib.import_module(f"skdeep.{sub}")
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith("_")
            ):
                found[name] = obj
    return sorted(found.items())
