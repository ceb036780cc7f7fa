"""Learning-rate range test."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import scale

from skdeep.neural_network import MLPClassifier, MLPRegressor, lr_find


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return scale(X), y


def test_lr_find_suggests_a_sane_rate_and_leaves_estimator_unfitted(digits):
    X, y = digits
    clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=0)
    result = clf.lr_find(X, y, n_steps=150)
    assert 1e-4 <= result.suggested_learning_rate <= 0.1
    assert result.diverged  # the sweep ran past the useful range
    assert len(result.learning_rates) == len(result.losses) <= 150
    assert np.all(np.diff(result.learning_rates) > 0)
    best = int(np.argmin(result.smoothed_losses))
    assert result.smoothed_losses[best] < 0.5 * result.smoothed_losses[0]
    assert not hasattr(clf, "coefs_")
    with pytest.raises(NotFittedError):
        clf.predict(X)
    # the suggestion trains well
    clf.set_params(learning_rate_init=result.suggested_learning_rate, max_iter=10)
    assert clf.fit(X, y).score(X, y) > 0.95


def test_lr_find_does_not_touch_a_fitted_estimator(digits):
    X, y = digits
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0).fit(X, y)
    before = reg.predict(X)
    result = lr_find(reg, X, y.astype(float), n_steps=30, end_learning_rate=1e-2)
    assert_array_equal(reg.predict(X), before)
    assert reg.n_iter_ == 3
    assert result.suggested_learning_rate > 0


def test_lr_find_rejects_lbfgs(digits):
    X, y = digits
    with pytest.raises(ValueError, match="stochastic solver"):
        lr_find(MLPClassifier(solver="lbfgs"), X, y)
