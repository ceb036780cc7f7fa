"""skdeep.nn: the shared, vectorised numpy/scipy neural-network backend.

Layers (:class:`Parameter`, :class:`Layer` and friends) hold weights and wire
the math of :mod:`~skdeep.nn.functional` together; losses own their output
link; optimizers see only Parameters; :func:`train` is the one training loop.
"""

from . import functional, initializers, layers, losses, optimizers, schedules
from ._adaptive_optimizers import Adadelta, Adagrad, Adamax, AdamW, Nadam, RMSprop
from ._extra_losses import AbsoluteError, Hinge, Huber, KLDivergence, Poisson
from .functional import ACTIVATIONS, get_activation, log_softmax, softmax
from .initializers import INITIALIZERS, default_initializer, get_initializer
from .layers import *  # noqa: F403
from .layers import __all__ as _layer_names
from .losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Loss,
    PerceptronLoss,
    SquaredError,
    get_loss,
)
from .optimizers import (
    SGD,
    Adam,
    Optimizer,
    add_penalty_gradient,
    apply_max_norm,
    get_optimizer,
    penalty_value,
)
from .schedules import (
    Adaptive,
    Constant,
    Exponential,
    InverseScaling,
    OneCycle,
    PiecewiseConstant,
    Power,
    ReduceOnPlateau,
    Schedule,
    get_schedule,
)
from .training import EarlyStopping, History, train

__all__ = [
    *_layer_names,
    "functional",
    "initializers",
    "layers",
    "losses",
    "optimizers",
    "schedules",
    "ACTIVATIONS",
    "get_activation",
    "softmax",
    "log_softmax",
    "INITIALIZERS",
    "get_initializer",
    "default_initializer",
    "Loss",
    "SquaredError",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "PerceptronLoss",
    "AbsoluteError",
    "Huber",
    "Hinge",
    "KLDivergence",
    "Poisson",
    "get_loss",
    "Optimizer",
    "SGD",
    "Adam",
    "Adagrad",
    "Adadelta",
    "RMSprop",
    "Adamax",
    "Nadam",
    "AdamW",
    "penalty_value",
    "add_penalty_gradient",
    "apply_max_norm",
    "get_optimizer",
    "Schedule",
    "Constant",
    "InverseScaling",
    "Adaptive",
    "ReduceOnPlateau",
    "Power",
    "PiecewiseConstant",
    "Exponential",
    "OneCycle",
    "get_schedule",
    "History",
    "EarlyStopping",
    "train",
]
