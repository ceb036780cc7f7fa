"""``fit_context``: parameter validation before, and rollback after, a fit."""

from __future__ import annotations

import functools

from sklearn import get_config

from ._param_validation import validate_parameter_constraints
from ._validated_params import remember_validated, shallow_params, validated_with


def fit_context(method):
    """Decorate ``fit``-like methods: validate hyper-parameters, undo on failure.

    The estimator's ``_parameter_constraints`` are checked against
    ``get_params(deep=False)`` before the wrapped method runs, so that an
    invalid value never reaches a fitted model (unless scikit-learn's
    ``skip_parameter_validation`` configuration is on, as for scikit-learn's
    own estimators).  If the method raises, the
    instance dictionary is restored to its state before the call: attributes
    set on the way (``validate_data`` resets ``n_features_in_`` and
    ``feature_names_in_`` before the data are fully checked, for instance)
    are undone.  This is a shallow restore: fitted arrays must not be
    modified in place before a fit is known to succeed.

    Parameters
    ----------
    method : callable
        The estimator method to wrap (``fit``, ``partial_fit``, ...).

    Returns
    -------
    callable
        The wrapped method.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> from skdeep.utils import Interval
    >>> non_negative = Interval(float, 0, None, closed="left")
    >>> class Model(BaseEstimator):
    ...     _parameter_constraints = {"alpha": [non_negative]}
    ...     def __init__(self, alpha=1.0):
    ...         self.alpha = alpha
    ...     @fit_context
    ...     def fit(self, X, y=None):
    ...         self.fitted_ = True
    ...         return self
    >>> model = Model(alpha=-1.0)
    >>> try:
    ...     model.fit([[0.0]])
    ... except ValueError as error:  # InvalidParameterError is a ValueError
    ...     print(error)  # doctest: +ELLIPSIS
    The 'alpha' parameter of Model must be a float in the range [0, inf)...
    >>> hasattr(model, "fitted_")
    False
    """

    incremental = method.__name__ == "partial_fit"

    @functools.wraps(method)
    def wrapper(estimator, *args, **kwargs):
        params = shallow_params(estimator)
        skip = get_config().get("skip_parameter_validation", False)
        if not skip and not (incremental and validated_with(estimator, params)):
            validate_parameter_constraints(
                getattr(estimator, "_parameter_constraints", {}),
                params,
                caller_name=type(estimator).__name__,
            )
            if incremental:
                remember_validated(estimator, params)
        saved = dict(vars(estimator))
        try:
            return method(estimator, *args, **kwargs)
        except BaseException:
            vars(estimator).clear()
            vars(estimator).update(saved)
            raise

    return wrapper
