"""Layers of the neural backend (all re-exported by :mod:`skdeep.nn`)."""

from .activation import Activation
from .base import Layer, Parameter
from .containers import Sequential
from .dense import Dense
from .reshape import Flatten

__all__ = [
    "Activation",
    "Dense",
    "Flatten",
    "Layer",
    "Parameter",
    "Sequential",
]
