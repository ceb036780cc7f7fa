"""skdeep.ensemble."""

from ._gradient_boosting import GradientBoostingClassifier, GradientBoostingRegressor

__all__ = [
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
]
