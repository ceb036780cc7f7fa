"""``skdeep.linear_model`` mirrors scikit-learn's import path of the Perceptron."""

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.preprocessing import StandardScaler

import skdeep
from skdeep import linear_model
from skdeep.neural_network import Perceptron


def test_linear_model_perceptron_is_the_neural_network_class():
    assert linear_model.Perceptron is Perceptron
    assert skdeep.linear_model.Perceptron is skdeep.Perceptron
    assert linear_model.__all__ == ["Perceptron"]


def test_swapped_import_fits_like_sklearn():
    # The same script with the import swapped gives scikit-learn's model
    # (a binary problem: the one-vs-all problems of several classes share the
    # shuffling order scikit-learn gives the first, see ``shuffle``).
    X, y = load_iris(return_X_y=True)
    X, y = StandardScaler().fit_transform(X[50:]), y[50:]
    ours = linear_model.Perceptron(random_state=0).fit(X, y)
    ref = SkPerceptron(random_state=0).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-12)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-12)
    assert_array_equal(ours.predict(X), ref.predict(X))
    assert ours.n_iter_ == ref.n_iter_
    assert np.isclose(ours.score(X, y), ref.score(X, y))
