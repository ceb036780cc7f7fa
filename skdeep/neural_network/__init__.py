"""skdeep.neural_network."""

from ._lr_find import LRFindResult, lr_find
from ._mlp import MLPClassifier, MLPRegressor
from ._perceptron import Perceptron

__all__ = ["LRFindResult", "MLPClassifier", "MLPRegressor", "Perceptron", "lr_find"]
