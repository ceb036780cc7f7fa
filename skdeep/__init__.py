"""skdeep: scikit-learn-compatible classic and deep learning estimators.

Every public estimator is importable from its subpackage
(``skdeep.cluster.KMeans``) and from the top level (``skdeep.KMeans``).
``skdeep.linear_model`` re-exports the Perceptron under scikit-learn's path.
"""

__version__ = "0.1.0"

from . import cluster, decomposition, ensemble, linear_model, neural_network  # noqa: E402,F401
from .cluster import *  # noqa: E402,F401,F403
from .decomposition import *  # noqa: E402,F401,F403
from .ensemble import *  # noqa: E402,F401,F403
from .neural_network import *  # noqa: E402,F401,F403

__all__ = [
    "__version__",
    *neural_network.__all__,
    *cluster.__all__,
    *ensemble.__all__,
    *decomposition.__all__,
]
