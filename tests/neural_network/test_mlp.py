"""Behaviour and sklearn parity of MLPClassifier / MLPRegressor."""

import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    load_diabetes,
    load_digits,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def test_classifier_reaches_97_percent_on_digits(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    model = make_pipeline(StandardScaler(), MLPClassifier(max_iter=60, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.97


def test_regressor_r2_on_diabetes_matches_a_linear_baseline():
    X, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=42
    )
    mlp = make_pipeline(
        StandardScaler(),
        MLPRegressor(
            hidden_layer_sizes=(10,),
            solver="lbfgs",
            alpha=10.0,
            max_iter=500,
            random_state=0,
        ),
    ).fit(X_train, y_train)
    ridge = make_pipeline(StandardScaler(), Ridge()).fit(X_train, y_train)
    score = mlp.score(X_test, y_test)
    assert score >= 0.5
    assert score >= ridge.score(X_test, y_test)


def test_fitted_attributes_follow_sklearn(small_classification):
    X, y = small_classification
    clf = MLPClassifier(hidden_layer_sizes=(5, 4), max_iter=5, random_state=0)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        clf.fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(8, 5), (5, 4), (4, 3)]
    assert [b.shape for b in clf.intercepts_] == [(5,), (4,), (3,)]
    assert (clf.n_layers_, clf.n_outputs_, clf.n_iter_) == (4, 3, 5)
    assert clf.out_activation_ == "softmax"
    assert len(clf.loss_curve_) == 5 and clf.loss_ == clf.loss_curve_[-1]
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.t_ == 5 * len(X)
    assert clf.history_.loss == clf.loss_curve_
    assert clf.loss_curve_ is not clf.history_.loss
    # scikit-learn's types: np.float64 losses, Python float scores
    assert type(clf.loss_) is np.float64 and type(clf.best_loss_) is np.float64
    assert all(type(value) is np.float64 for value in clf.loss_curve_)
    assert len(clf.history_.seconds) == 5
    early = MLPClassifier(hidden_layer_sizes=(5,), early_stopping=True, max_iter=3)
    with pytest.warns(ConvergenceWarning):
        early.fit(X, y)
    assert len(early.validation_scores_) == 3
    assert all(type(value) is float for value in early.validation_scores_)
    assert all(type(value) is float for value in early.history_.val_loss)
    assert clf.transform(X).shape == (len(X), 4)
    assert np.all(clf.transform(X) >= 0)  # relu activations


def test_multilabel_and_multioutput():
    X, Y = make_multilabel_classification(n_samples=60, n_classes=4, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(30,), solver="lbfgs", random_state=0)
    clf.fit(X, Y)
    assert clf.out_activation_ == "logistic"
    assert clf.predict(X).shape == Y.shape
    assert clf.score(X, Y) > 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and not np.allclose(proba.sum(axis=1), 1)

    X, Y = make_regression(n_samples=80, n_targets=3, random_state=0)
    reg = MLPRegressor(
        hidden_layer_sizes=(20,), solver="lbfgs", max_iter=300, tol=1e-3, random_state=0
    ).fit(X, Y)
    assert reg.predict(X).shape == (80, 3) and reg.n_outputs_ == 3
    assert reg.score(X, Y) > 0.9


def test_pipeline_and_grid_search_in_parallel(small_classification):
    X, y = small_classification
    search = GridSearchCV(
        make_pipeline(StandardScaler(), MLPClassifier(solver="lbfgs", random_state=0)),
        {"mlpclassifier__hidden_layer_sizes": [(2,), (20,)]},
        cv=2,
        n_jobs=2,
    ).fit(X, y)
    assert search.best_params_["mlpclassifier__hidden_layer_sizes"] == (20,)
    assert search.best_score_ > 0.7
    assert search.predict(X).shape == y.shape


def test_joblib_round_trip_keeps_predictions_and_training_state(tmp_path):
    X, y = make_regression(n_samples=50, n_features=3, random_state=0)
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    joblib.dump(reg, tmp_path / "mlp.joblib")
    loaded = joblib.load(tmp_path / "mlp.joblib")
    assert_array_equal(loaded.predict(X), reg.predict(X))
    # the reloaded coefs_ are the network's own arrays again
    assert loaded.coefs_[0] is loaded._network.layers[0].params["kernel"].value
    before = loaded.coefs_[0].copy()
    loaded.partial_fit(X, y)
    assert not np.allclose(loaded.coefs_[0], before)


def test_same_random_state_gives_identical_models(small_classification):
    X, y = small_classification
    make = lambda seed: MLPClassifier(  # noqa: E731
        hidden_layer_sizes=(10,), max_iter=10, batch_size=16, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a, b, c = make(1).fit(X, y), make(1).fit(X, y), make(2).fit(X, y)
    assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.loss_curve_ == b.loss_curve_
    assert not np.allclose(a.coefs_[0], c.coefs_[0])


def test_partial_fit_continues_training(small_classification):
    X, y = small_classification
    clf = MLPClassifier(
        hidden_layer_sizes=(10,), solver="sgd", learning_rate_init=0.1, random_state=0
    )
    losses = []
    for _ in range(15):
        clf.partial_fit(X, y, classes=np.unique(y))
        losses.append(clf.loss_)
    assert clf.n_iter_ == 1 and clf.t_ == 15 * len(X)
    assert clf.loss_curve_ == losses
    assert losses[-1] < 0.7 * losses[0]


def test_partial_fit_equals_fit_with_full_batches(small_classification):
    # sklearn's own guarantee: one batch per epoch makes n partial_fit calls
    # equal to n fit epochs (momentum state is carried over between calls).
    X, y = small_classification
    params = dict(
        hidden_layer_sizes=(6,),
        solver="sgd",
        learning_rate_init=0.1,
        random_state=0,
        batch_size=len(X),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = MLPClassifier(max_iter=12, tol=0, **params).fit(X, y)
    streamed = MLPClassifier(**params)
    for _ in range(12):
        streamed.partial_fit(X, y, classes=np.unique(y))
    assert_allclose(streamed.predict_proba(X), fitted.predict_proba(X), rtol=1e-9)


def test_warm_start_continues_from_previous_solution():
    X, y = make_regression(n_samples=80, n_features=4, noise=5.0, random_state=0)
    y = y / y.std()
    warm = MLPRegressor(
        hidden_layer_sizes=(10,),
        max_iter=10,
        warm_start=True,
        learning_rate_init=0.01,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warm.fit(X, y)
        first_curve = list(warm.loss_curve_)
        warm.fit(X, y)
        cold = MLPRegressor(
            hidden_layer_sizes=(10,),
            max_iter=10,
            learning_rate_init=0.01,
            random_state=0,
        ).fit(X, y)
    assert warm.n_iter_ == 10 and len(warm.loss_curve_) == 20
    assert warm.loss_curve_[:10] == first_curve
    assert warm.loss_curve_[10] < first_curve[-1] * 1.05
    assert warm.loss_ < cold.loss_


def test_float32_is_computed_in_float32(small_classification):
    X, y = small_classification
    clf = MLPClassifier(hidden_layer_sizes=(6,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert clf.transform(X.astype(np.float32)).dtype == np.float32


def test_sparse_input_gives_dense_results(small_classification):
    import scipy.sparse as sp

    X, y = small_classification
    # (few iterations: sparse and dense products round differently, and a long
    # L-BFGS run on a non-convex loss would amplify that)
    params = dict(hidden_layer_sizes=(6,), solver="lbfgs", random_state=0, max_iter=15)
    dense = MLPClassifier(**params).fit(X, y)
    sparse = MLPClassifier(**params).fit(sp.csr_matrix(X), y)
    assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-6
    )
    assert_allclose(sparse.transform(sp.csc_matrix(X)), dense.transform(X), rtol=1e-6)


def test_sample_weight_equals_repetition_with_lbfgs(small_classification):
    X, y = small_classification
    weights = np.random.default_rng(0).integers(0, 3, size=len(y))
    # (few iterations: on a non-convex loss, rounding differences of the two
    # sums would eventually send L-BFGS down different paths)
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0, max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = MLPClassifier(**params).fit(X, y, sample_weight=weights)
        repeated = MLPClassifier(**params).fit(X.repeat(weights, 0), y.repeat(weights))
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-10)
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-8)


def test_user_assigned_coefs_are_used_without_mutating_on_predict():
    X = np.array([[0.6, 0.8, 0.7]])
    clf = MLPClassifier(hidden_layer_sizes=(2,), solver="lbfgs", random_state=0)
    clf.fit(np.vstack([X, -X]), [0, 1])
    clf.coefs_ = [np.zeros((3, 2)), np.zeros((2, 1))]
    clf.intercepts_ = [np.zeros(2), np.array([2.0])]
    expected = 1 / (1 + np.exp(-2.0))
    assert_allclose(clf.predict_proba(X)[0, 1], expected)
    assert clf._network.layers[-1].params["bias"].value[0] != 2.0


def test_chunked_prediction_equals_one_pass(small_classification, monkeypatch):
    from skdeep.neural_network import _base_network

    X, y = small_classification
    clf = MLPClassifier(hidden_layer_sizes=(7,), solver="lbfgs", random_state=0)
    clf.fit(X, y)
    whole, features = clf.predict_proba(X), clf.transform(X)
    monkeypatch.setattr(_base_network.forward_in_chunks, "__defaults__", (16,))
    assert_allclose(clf.predict_proba(X), whole, rtol=1e-12)
    assert_allclose(clf.transform(X), features, rtol=1e-12)
