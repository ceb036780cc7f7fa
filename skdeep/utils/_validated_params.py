"""Which hyper-parameters an estimator's ``partial_fit`` already validated.

Repeated ``partial_fit`` calls (an online-learning loop) skip re-checking
hyper-parameters that are the very objects validated last time: 0.1 ms a
call, a large share of a small batch.  ``fit`` always validates.
"""

from __future__ import annotations

import functools
import weakref

from sklearn.base import BaseEstimator

__all__ = ["remember_validated", "shallow_params", "validated_with"]


class _SameObjects(dict):
    """Validated parameters; equal to a dict holding the very same objects.

    Identity, not equality: a parameter replaced by another object (even an
    equal one) is validated again.  (A mutable value changed in place is
    not, as scikit-learn does not re-validate ``partial_fit`` at all.)
    """

    def __eq__(self, other):
        return (
            isinstance(other, dict)
            and self.keys() == other.keys()
            and all(other[key] is value for key, value in self.items())
        )

    __hash__ = None


#: The parameters each live estimator's ``partial_fit`` last validated:
#: repeated calls skip re-checking them (0.1 ms a call) until one changes
#: (``fit`` always validates).  Weak keys: the entry goes with the estimator.
_VALIDATED = weakref.WeakKeyDictionary()


def validated_with(estimator, params):
    """Whether ``estimator`` was last validated with these very objects."""
    try:
        return _VALIDATED.get(estimator) == params
    except TypeError:  # an unhashable or unreferenceable estimator class
        return False


def remember_validated(estimator, params):
    """Record ``params`` as validated for ``estimator`` (if it can be a weak key)."""
    try:
        _VALIDATED[estimator] = _SameObjects(params)
    except TypeError:
        pass


@functools.cache
def _init_parameter_names(cls):
    return tuple(cls._get_param_names())


def shallow_params(estimator):
    """``estimator.get_params(deep=False)``, with the signature read once."""
    cls = type(estimator)
    if cls.get_params is not BaseEstimator.get_params:
        return estimator.get_params(deep=False)
    return {name: getattr(estimator, name) for name in _init_parameter_names(cls)}
