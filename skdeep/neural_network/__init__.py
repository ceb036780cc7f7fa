"""skdeep.neural_network."""

from ._lr_find import LRFindResult, lr_find
from ._mlp import MLPClassifier, MLPRegressor

__all__ = ["LRFindResult", "MLPClassifier", "MLPRegressor", "lr_find"]
