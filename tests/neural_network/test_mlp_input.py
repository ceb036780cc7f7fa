"""Bad input, clear errors, and failed fits that lose nothing."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skdeep.neural_network import MLPClassifier, MLPRegressor
from skdeep.utils._param_validation import InvalidParameterError


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    return X, y


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_is_rejected(data, bad):
    X, y = data
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        MLPClassifier().fit(X, y)


def test_wrong_shapes_are_rejected(data):
    X, y = data
    clf = MLPClassifier(hidden_layer_sizes=(3,), solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="X has 4 features, but MLPClassifier is "):
        clf.predict(X[:, :4])
    with pytest.raises(ValueError, match="Found array with dim 3"):
        MLPClassifier().fit(X.reshape(60, 5, 1), y)
    with pytest.raises(ValueError, match="0 sample"):
        MLPClassifier().fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        MLPRegressor().fit(X, y[:-1])


def test_string_labels_and_single_class(data):
    X, y = data
    labels = np.array(["cat", "dog"])[y]
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    assert set(clf.fit(X, labels).predict(X)) == {"cat", "dog"}
    # one class: accepted and always predicted, as scikit-learn does
    one = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        one.fit(X, np.full(len(X), "only"))
    assert_array_equal(one.predict(X), np.full(len(X), "only"))


def test_sparse_csr_is_accepted(data):
    X, y = data
    clf = MLPClassifier(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0)
    clf.fit(sp.csr_matrix(X), y)
    assert clf.predict(sp.csr_matrix(X)).shape == (60,)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": (3, 0)}, "hidden_layer_sizes must be > 0"),
        ({"activation": "nope"}, "'activation' parameter"),
        ({"solver": "newton"}, "'solver' parameter"),
        ({"alpha": -1.0}, "'alpha' parameter"),
        ({"learning_rate_init": 0.0}, "'learning_rate_init' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"dropout": [0.1, 0.2]}, "one per hidden layer"),
        ({"dropout": 0.3, "solver": "lbfgs"}, "cannot train with dropout"),
        ({"activation": (np.tanh,)}, "pair of callables"),
    ],
)
def test_invalid_parameters_have_clear_errors(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**params).fit(X, y)


def test_invalid_parameter_error_type(data):
    X, y = data
    with pytest.raises(InvalidParameterError):
        MLPRegressor(loss="hinge").fit(X, y)


def test_unseen_classes_in_partial_fit(data):
    X, y = data
    clf = MLPClassifier(hidden_layer_sizes=(3,), solver="sgd")
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        clf.partial_fit(X, y + 1)
    with pytest.raises(ValueError, match="is not the same as on last call"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")


def test_failed_refit_leaves_the_fitted_model_intact(data):
    X, y = data
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), activation="identity", solver="lbfgs", random_state=0
    ).fit(X, y)
    proba, coefs = clf.predict_proba(X), [c.copy() for c in clf.coefs_]
    clf.set_params(solver="sgd", learning_rate_init=1e12, momentum=0.0)
    with pytest.raises(ValueError, match="The loss became non-finite .* at epoch"):
        clf.fit(X * 1e3, y)
    clf.set_params(solver="lbfgs")
    assert_array_equal(clf.predict_proba(X), proba)
    for kept, saved in zip(clf.coefs_, coefs):
        assert_array_equal(kept, saved)
    # a failed warm start / partial_fit does not touch the model either
    clf.set_params(solver="sgd", warm_start=True, n_iter_no_change=50, max_iter=50)
    with pytest.raises(ValueError, match="non-finite"):
        clf.fit(X * 1e3, y)
    with pytest.raises(ValueError, match="X has 4 features"):
        clf.partial_fit(X[:, :4], y)
    assert_array_equal(clf.predict_proba(X), proba)
    assert clf.n_features_in_ == 5


def test_failed_fit_with_new_features_keeps_n_features_in(data):
    X, y = data
    clf = MLPClassifier(hidden_layer_sizes=(3,), solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError):
        clf.fit(np.hstack([X, X]), y, sample_weight=np.zeros(len(y)))
    assert clf.n_features_in_ == 5
    clf.predict(X)


def test_all_zero_or_negative_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match="non-zero"):
        MLPClassifier().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="Negative values"):
        MLPClassifier().fit(X, y, sample_weight=-np.ones(len(y)))


def test_poisson_requires_non_negative_targets(data):
    X, _ = data
    with pytest.raises(ValueError, match="non-negative"):
        MLPRegressor(loss="poisson").fit(X, -np.ones(len(X)))


def test_warm_start_with_a_different_number_of_outputs(data):
    X, y = data
    reg = MLPRegressor(hidden_layer_sizes=(3,), solver="lbfgs", warm_start=True)
    reg.fit(X, y.astype(float))
    with pytest.raises(ValueError, match="y has 2 outputs but the model has 1"):
        reg.fit(X, np.c_[y, y].astype(float))
    assert reg.n_outputs_ == 1


def test_diverging_fit_with_early_stopping_restores_the_best_epoch():
    # A learning rate of 1 on unscaled data blows the weights up within a few
    # epochs. With a validation split, the fit keeps the best validated
    # weights (those of the first epoch here) and warns instead of raising.
    X, y = make_classification(n_samples=150, n_features=4, random_state=0)
    X = 20 * X
    params = dict(
        hidden_layer_sizes=(50,),
        activation="identity",
        solver="sgd",
        learning_rate_init=1.0,
        momentum=0.0,
        early_stopping=True,
        n_iter_no_change=10,
        random_state=0,
    )
    reg = MLPRegressor(max_iter=30, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow in matmul
        with pytest.warns(ConvergenceWarning, match="best validation epoch"):
            reg.fit(X, y)
    assert np.isnan(reg.validation_scores_[-1])
    assert np.isnan(reg.loss_curve_[-1])
    assert reg.n_iter_ == len(reg.loss_curve_) < 30
    best_epoch = int(np.nanargmax(reg.validation_scores_))
    assert reg.best_validation_score_ == reg.validation_scores_[best_epoch]
    # the same fit stopped after the best epoch has the very same weights
    stopped = MLPRegressor(max_iter=best_epoch + 1, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        stopped.fit(X, y)
    assert np.isfinite(reg.predict(X)).all()
    assert_array_equal(reg.predict(X), stopped.predict(X))
    for restored, reference in zip(reg.coefs_, stopped.coefs_):
        assert_array_equal(restored, reference)


def test_diverging_fit_without_a_validation_split_raises(data):
    X, y = data
    reg = MLPRegressor(
        hidden_layer_sizes=(20,), solver="sgd", learning_rate_init=1e6, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match=r"non-finite .* at epoch \d+"):
            reg.fit(X * 1e3, y)
    assert not hasattr(reg, "coefs_")
