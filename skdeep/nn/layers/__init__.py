"""Layers of the neural backend (all re-exported by :mod:`skdeep.nn`)."""

from .activation import Activation, PReLU, RReLU
from .base import Layer, Parameter
from .containers import Sequential
from .dense import Dense
from .normalization import BatchNormalization
from .regularization import Dropout, mc_dropout_copy
from .reshape import Flatten
from .residual import Residual

__all__ = [
    "Activation",
    "BatchNormalization",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "PReLU",
    "Parameter",
    "RReLU",
    "Residual",
    "Sequential",
    "mc_dropout_copy",
]
