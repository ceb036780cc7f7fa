"""AdaBoostClassifier (SAMME) and AdaBoostRegressor (R2)."""

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import ensemble as sk_ensemble
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from skdeep.ensemble import AdaBoostClassifier, AdaBoostRegressor

# Six points on a line, classes 0,0,0,1,1,2 (hand-checked below).
X_TOY = np.arange(6, dtype=float).reshape(-1, 1)
Y_TOY = np.array([0, 0, 0, 1, 1, 2])


def _split(loader):
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


def test_samme_weights_follow_the_formula_on_a_toy_problem():
    # Round 1: the best stump splits at 2.5 and predicts {0 | 1}; only the
    # class-2 sample is wrong: error 1/6, weight log(5) + log(K - 1) = log 10.
    # Its weight becomes 10/6 (then normalised: 2/3 vs 1/15 for the others).
    # Round 2: whichever stump is chosen misclassifies exactly the two class-1
    # samples: error 2/15, weight log(13/2) + log 2 = log 13.
    clf = AdaBoostClassifier(n_estimators=2, random_state=0).fit(X_TOY, Y_TOY)
    assert_allclose(clf.estimator_errors_, [1 / 6, 2 / 15])
    assert_allclose(clf.estimator_weights_, [np.log(10), np.log(13)])
    # learning_rate scales the vote weight of the first round directly.
    slow = AdaBoostClassifier(n_estimators=1, learning_rate=0.5).fit(X_TOY, Y_TOY)
    assert_allclose(slow.estimator_weights_, [0.5 * np.log(10)])


def test_decision_function_is_the_normalised_samme_vote():
    clf = AdaBoostClassifier(n_estimators=1).fit(X_TOY, Y_TOY)
    predicted = clf.estimators_[0].predict(X_TOY)
    expected = np.where(predicted[:, None] == clf.classes_[None, :], 1.0, -0.5)
    assert_allclose(clf.decision_function(X_TOY), expected)
    proba = clf.predict_proba(X_TOY)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(clf.predict(X_TOY), predicted)


@pytest.mark.parametrize("loader", [load_breast_cancer, load_wine])
@pytest.mark.parametrize("learning_rate", [1.0, 0.3])
def test_classifier_matches_sklearn(loader, learning_rate):
    X_train, X_test, y_train, y_test = _split(loader)
    params = dict(n_estimators=30, learning_rate=learning_rate, random_state=0)
    ours = AdaBoostClassifier(**params).fit(X_train, y_train)
    ref = sk_ensemble.AdaBoostClassifier(**params).fit(X_train, y_train)
    assert_allclose(ours.estimator_weights_, ref.estimator_weights_)
    assert_allclose(ours.estimator_errors_, ref.estimator_errors_)
    assert_allclose(ours.decision_function(X_test), ref.decision_function(X_test))
    assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test))
    assert ours.score(X_test, y_test) == ref.score(X_test, y_test)
    assert_allclose(ours.feature_importances_, ref.feature_importances_)


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
def test_regressor_matches_sklearn(loss):
    X_train, X_test, y_train, y_test = _split(load_diabetes)
    params = dict(n_estimators=20, loss=loss, random_state=0)
    ours = AdaBoostRegressor(**params).fit(X_train, y_train)
    ref = sk_ensemble.AdaBoostRegressor(**params).fit(X_train, y_train)
    assert_allclose(ours.estimator_weights_, ref.estimator_weights_)
    assert_allclose(ours.predict(X_test), ref.predict(X_test))
    assert ours.score(X_test, y_test) == pytest.approx(ref.score(X_test, y_test))
    assert ours.score(X_test, y_test) > 0.2


def test_staged_outputs_end_with_the_final_outputs():
    X_train, X_test, y_train, y_test = _split(load_wine)
    clf = AdaBoostClassifier(n_estimators=15, random_state=0).fit(X_train, y_train)
    staged = list(clf.staged_predict_proba(X_test))
    assert len(staged) == len(clf.estimators_)
    assert_allclose(staged[-1], clf.predict_proba(X_test))
    assert_array_equal(list(clf.staged_predict(X_test))[-1], clf.predict(X_test))
    decisions = list(clf.staged_decision_function(X_test))
    assert_allclose(decisions[-1], clf.decision_function(X_test))
    scores = list(clf.staged_score(X_test, y_test))
    assert scores[-1] == pytest.approx(clf.score(X_test, y_test))
    # Boosting improves on its first stump.
    assert scores[-1] > scores[0]

    X_train, X_test, y_train, _ = _split(load_diabetes)
    reg = AdaBoostRegressor(n_estimators=10, random_state=0).fit(X_train, y_train)
    assert_allclose(list(reg.staged_predict(X_test))[-1], reg.predict(X_test))


def test_transform_gives_member_predictions():
    X, y = load_wine(return_X_y=True)
    clf = AdaBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    columns = clf.transform(X)
    assert columns.shape == (len(X), 5)
    assert_array_equal(clf.classes_[columns[:, 2]], clf.estimators_[2].predict(X))
    reg = AdaBoostRegressor(n_estimators=4, random_state=0).fit(X, y.astype(float))
    assert_allclose(reg.transform(X)[:, 1], reg.estimators_[1].predict(X))


def test_member_without_sample_weight_is_refused():
    X, y = load_wine(return_X_y=True)
    with pytest.raises(ValueError, match="KNeighborsClassifier doesn't support"):
        AdaBoostClassifier(KNeighborsClassifier()).fit(X, y)


class _FailsOnSecondRound(ClassifierMixin, BaseEstimator):
    """Stump that raises once the weights are no longer uniform."""

    def fit(self, X, y, sample_weight=None):
        if sample_weight is not None and np.ptp(sample_weight) > 0:
            raise ValueError("non-uniform weights")
        self.tree_ = DecisionTreeClassifier(max_depth=1).fit(X, y, sample_weight)
        self.classes_ = self.tree_.classes_
        return self

    def predict(self, X):
        return self.tree_.predict(X)


def test_failing_member_is_named_and_model_left_untouched():
    X, y = load_wine(return_X_y=True)
    clf = AdaBoostClassifier(n_estimators=3, random_state=0).fit(X, y)
    before = clf.estimator_weights_.copy()
    clf.set_params(estimator=_FailsOnSecondRound())
    with pytest.raises(ValueError, match=r"boosting round 1 .*_FailsOnSecondRound"):
        clf.fit(X, y)
    assert_allclose(clf.estimator_weights_, before)


def test_sample_weight_changes_the_first_stump():
    # Up-weighting the class-2 sample makes the first stump isolate it.
    weights = np.array([1, 1, 1, 1, 1, 10.0])
    clf = AdaBoostClassifier(n_estimators=1).fit(X_TOY, Y_TOY, sample_weight=weights)
    assert clf.predict([[5.0]])[0] == 2
    with pytest.raises(ValueError, match="Negative values"):
        clf.fit(X_TOY, Y_TOY, sample_weight=-weights)


def test_skdeep_network_as_weighted_member():
    from skdeep.neural_network import MLPClassifier

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    net = MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    clf = AdaBoostClassifier(net, n_estimators=3, random_state=0)
    clf.fit(X_train, y_train)
    assert len(clf.estimators_) >= 2
    assert clf.score(X_test, y_test) > 0.9
    # The second network was trained on the boosting weights: the same network
    # (same seed) trained without them gives a different model.
    second = clf.estimators_[1]
    unweighted = clone(second).fit(X_train, y_train)
    assert not np.allclose(
        second.predict_proba(X_test), unweighted.predict_proba(X_test)
    )


class _DtypeRecorder(ClassifierMixin, BaseEstimator):
    """Majority-class member that records the dtype of what it is given."""

    def fit(self, X, y, sample_weight=None):
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        self.seen_ = [X.dtype]
        return self

    def predict(self, X):
        self.seen_.append(X.dtype)
        return np.full(X.shape[0], self.majority_)


def test_tree_members_get_float32_rows_once_and_other_members_the_data_as_is():
    from skdeep.ensemble._weight_boosting_base import _for_members

    X, y = load_breast_cancer(return_X_y=True)
    trees = [DecisionTreeClassifier(max_depth=1)]
    converted = _for_members(X, trees)
    assert converted.dtype == np.float32 and converted.flags.c_contiguous
    np.testing.assert_array_equal(converted, X.astype(np.float32))
    assert _for_members(X, [_DtypeRecorder()]) is X
    assert _for_members(X, trees + [_DtypeRecorder()]) is X
    model = AdaBoostClassifier(_DtypeRecorder(), n_estimators=2).fit(X, y)
    model.predict(X)
    assert {dtype for m in model.estimators_ for dtype in m.seen_} == {X.dtype}


@pytest.mark.parametrize("cls", [AdaBoostClassifier, AdaBoostRegressor])
def test_metadata_routing_is_refused_as_in_sklearn(cls):
    # scikit-learn's AdaBoost has no routing: asking for it, or passing
    # sample_weight with routing switched on, raises NotImplementedError.
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(NotImplementedError, match="metadata routing"):
            cls().get_metadata_routing()
        with pytest.raises(NotImplementedError, match="metadata routing"):
            cls().fit(X_TOY, Y_TOY, sample_weight=np.ones(len(Y_TOY)))
    # Routing off (the default): sample_weight is AdaBoost's own input.
    fitted = cls(n_estimators=2).fit(X_TOY, Y_TOY, sample_weight=np.ones(len(Y_TOY)))
    assert len(fitted.estimators_) >= 1
