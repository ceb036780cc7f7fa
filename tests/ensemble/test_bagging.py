"""BaggingClassifier / BaggingRegressor: parity with scikit-learn, OOB, warm start."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import ensemble as sk_ensemble
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import RidgeClassifier
from sklearn.metrics import mean_absolute_error, roc_auc_score
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdeep.ensemble import BaggingClassifier, BaggingRegressor


def _split(loader):
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"max_features": 0.5, "bootstrap_features": True},
        {"max_samples": 0.5, "bootstrap": False},
        # A pipeline's fit has no sample_weight: members get the drawn rows.
        {
            "estimator": make_pipeline(StandardScaler(), GaussianNB()),
            "max_samples": 0.7,
        },
        {"estimator": RidgeClassifier(), "max_features": 5},
    ],
    ids=["bagging", "random_patches", "pasting", "no_sample_weight", "predict_only"],
)
@pytest.mark.parametrize("loader", [load_breast_cancer, load_wine])
def test_classifier_matches_sklearn(loader, params):
    X_train, X_test, y_train, y_test = _split(loader)
    ours = BaggingClassifier(n_estimators=8, random_state=0, **params)
    ref = sk_ensemble.BaggingClassifier(n_estimators=8, random_state=0, **params)
    ours.fit(X_train, y_train)
    ref.fit(X_train, y_train)
    assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test))
    assert ours.score(X_test, y_test) == ref.score(X_test, y_test)
    for a, b in zip(ours.estimators_features_, ref.estimators_features_):
        assert_array_equal(a, b)


def test_regressor_matches_sklearn():
    X_train, X_test, y_train, y_test = _split(load_diabetes)
    params = dict(n_estimators=10, max_features=0.7, random_state=1)
    ours = BaggingRegressor(**params).fit(X_train, y_train)
    ref = sk_ensemble.BaggingRegressor(**params).fit(X_train, y_train)
    assert_allclose(ours.predict(X_test), ref.predict(X_test))
    assert ours.score(X_test, y_test) == pytest.approx(ref.score(X_test, y_test))


def test_oob_score_matches_sklearn_and_held_out_score():
    X_train, X_test, y_train, y_test = _split(load_breast_cancer)
    ours = BaggingClassifier(n_estimators=40, oob_score=True, random_state=0)
    ours.fit(X_train, y_train)
    ref = sk_ensemble.BaggingClassifier(n_estimators=40, oob_score=True, random_state=0)
    ref.fit(X_train, y_train)
    assert ours.oob_score_ == pytest.approx(ref.oob_score_)
    assert_allclose(ours.oob_decision_function_, ref.oob_decision_function_)
    # The OOB estimate is an honest estimate of the held-out accuracy.
    assert abs(ours.oob_score_ - ours.score(X_test, y_test)) < 0.05


def test_regressor_oob_close_to_held_out():
    # Diabetes is small and noisy: compare with a 5-fold held-out estimate,
    # whose spread is much smaller than that of a single split.
    X, y = load_diabetes(return_X_y=True)
    member = DecisionTreeRegressor(max_depth=4)
    reg = BaggingRegressor(member, n_estimators=40, oob_score=True, random_state=0)
    reg.fit(X, y)
    held_out = cross_val_score(clone(reg).set_params(oob_score=False), X, y, cv=5)
    assert abs(reg.oob_score_ - held_out.mean()) < 0.05
    ref = sk_ensemble.BaggingRegressor(
        member, n_estimators=40, oob_score=True, random_state=0
    ).fit(X, y)
    assert_allclose(reg.oob_prediction_, ref.oob_prediction_)


def test_oob_score_accepts_a_scorer_name_or_callable():
    X_train, _, y_train, _ = _split(load_breast_cancer)
    clf = BaggingClassifier(n_estimators=30, oob_score="roc_auc", random_state=0)
    clf.fit(X_train, y_train)
    covered = ~np.isnan(clf.oob_decision_function_[:, 0])
    expected = roc_auc_score(y_train[covered], clf.oob_decision_function_[covered, 1])
    assert clf.oob_score_ == pytest.approx(expected)

    X_train, _, y_train, _ = _split(load_diabetes)

    def neg_mae(estimator, X, y):
        return -mean_absolute_error(y, estimator.predict(X))

    reg = BaggingRegressor(n_estimators=30, oob_score=neg_mae, random_state=0)
    reg.fit(X_train, y_train)
    assert reg.oob_score_ == pytest.approx(
        -mean_absolute_error(y_train, reg.oob_prediction_)
    )


def test_warm_start_equals_one_big_fit():
    X, y = load_wine(return_X_y=True)
    grown = BaggingClassifier(n_estimators=4, warm_start=True, random_state=3)
    grown.fit(X, y)
    first_members = list(grown.estimators_)
    grown.set_params(n_estimators=9).fit(X, y)
    assert grown.estimators_[:4] == first_members
    direct = BaggingClassifier(n_estimators=9, random_state=3).fit(X, y)
    assert_allclose(grown.predict_proba(X), direct.predict_proba(X))
    for a, b in zip(grown.estimators_samples_, direct.estimators_samples_):
        assert_array_equal(a, b)


def test_warm_start_errors_and_warnings():
    X, y = load_wine(return_X_y=True)
    clf = BaggingClassifier(n_estimators=5, warm_start=True, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="does not fit new trees"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="must be larger or equal"):
        clf.set_params(n_estimators=3).fit(X, y)
    assert len(clf.estimators_) == 5
    with pytest.raises(ValueError, match="only available if warm_start=False"):
        BaggingClassifier(warm_start=True, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="only available if bootstrap=True"):
        BaggingClassifier(bootstrap=False, oob_score=True).fit(X, y)
    # scikit-learn fits the new members on the new columns and fails in predict.
    expected = clf.predict(X)
    with pytest.raises(ValueError, match="fitted on 13"):
        clf.set_params(n_estimators=8).fit(X[:, :4], y)
    assert clf.n_features_in_ == 13 and len(clf.estimators_) == 5
    assert_array_equal(clf.predict(X), expected)


def test_sample_weight_zero_rows_are_never_drawn():
    X, y = load_wine(return_X_y=True)
    weights = np.ones(len(y))
    weights[:50] = 0
    clf = BaggingClassifier(n_estimators=6, random_state=0)
    clf.fit(X, y, sample_weight=weights)
    for rows in clf.estimators_samples_:
        assert rows.min() >= 50


def test_transform_is_the_matrix_of_member_votes():
    X, y = load_wine(return_X_y=True)
    clf = BaggingClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=5)
    clf.fit(X, y)
    votes = clf.transform(X)
    assert votes.shape == (len(X), 5 * 3)
    assert_allclose(votes.reshape(len(X), 5, 3).mean(axis=1), clf.predict_proba(X))
    assert clf.get_feature_names_out().shape == (15,)
    reg = BaggingRegressor(n_estimators=4, random_state=0).fit(X, y.astype(float))
    assert_allclose(reg.transform(X).mean(axis=1), reg.predict(X))


def test_invalid_max_samples_and_features():
    X, y = load_wine(return_X_y=True)
    with pytest.raises(ValueError, match="max_features must be <= n_features"):
        BaggingClassifier(max_features=100).fit(X, y)
    with pytest.raises(ValueError, match="to be able to sample without replacement"):
        BaggingClassifier(bootstrap=False, max_samples=1000).fit(X, y)
