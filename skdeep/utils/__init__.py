"""Shared helpers: parameter validation, estimator discovery, testing aids."""

from ._fit_context import fit_context
from ._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_parameter_constraints,
)
from .validation import check_sample_weight

__all__ = [
    "check_sample_weight",
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "fit_context",
    "validate_parameter_constraints",
]
