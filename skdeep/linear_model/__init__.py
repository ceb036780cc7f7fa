"""skdeep.linear_model: scikit-learn's import path for the Perceptron.

Code written for scikit-learn imports the perceptron from
``sklearn.linear_model``; swapping that one import for
``from skdeep.linear_model import Perceptron`` keeps it working.  The class
is :class:`skdeep.neural_network.Perceptron` (one layer of threshold units on
the shared backend), the very same object under a second name.
"""

from ..neural_network import Perceptron

__all__ = ["Perceptron"]
