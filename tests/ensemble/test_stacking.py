"""StackingClassifier / StackingRegressor: parity, prefit, passthrough, layers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import (
    LinearRegression,
    LogisticRegression,
    Ridge,
    RidgeClassifier,
)
from sklearn.model_selection import KFold, cross_val_predict, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdeep.ensemble import StackingClassifier, StackingRegressor


def _classifiers():
    return [
        ("ridge", RidgeClassifier()),
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


def _regressors():
    return [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]


def _split(loader):
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


@pytest.mark.parametrize("loader", [load_breast_cancer, load_wine])
@pytest.mark.parametrize("passthrough", [False, True])
def test_classifier_matches_sklearn(loader, passthrough):
    X_train, X_test, y_train, y_test = _split(loader)
    final = make_pipeline(StandardScaler(), LogisticRegression())
    params = dict(final_estimator=final, cv=3, passthrough=passthrough)
    ours = StackingClassifier(_classifiers(), **params).fit(X_train, y_train)
    ref = sk_ensemble.StackingClassifier(_classifiers(), **params).fit(X_train, y_train)
    assert_allclose(ours.transform(X_test), ref.transform(X_test))
    assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test))
    assert ours.score(X_test, y_test) == ref.score(X_test, y_test)
    assert ours.stack_method_ == ["decision_function"] + ["predict_proba"] * 2


def test_final_estimator_is_trained_on_out_of_fold_predictions():
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(4)
    stack = StackingRegressor(_regressors(), LinearRegression(), cv=cv).fit(X, y)
    meta = np.column_stack(
        [cross_val_predict(m, X, y, cv=cv) for _, m in _regressors()]
    )
    expected = LinearRegression().fit(meta, y)
    assert_allclose(stack.final_estimator_.coef_, expected.coef_)
    # At predict time the members are the ones refitted on all the data.
    assert_allclose(stack.transform(X)[:, 0], Ridge().fit(X, y).predict(X))


def test_regressor_matches_sklearn():
    X_train, X_test, y_train, y_test = _split(load_diabetes)
    ours = StackingRegressor(_regressors(), cv=5).fit(X_train, y_train)
    ref = sk_ensemble.StackingRegressor(_regressors(), cv=5).fit(X_train, y_train)
    assert_allclose(ours.predict(X_test), ref.predict(X_test))
    assert ours.score(X_test, y_test) > 0.3


def test_prefit_members_are_used_as_given():
    X_train, X_test, y_train, _ = _split(load_wine)
    nb = GaussianNB().fit(X_train, y_train)
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X_train, y_train)
    stack = StackingClassifier([("nb", nb), ("tree", tree)], cv="prefit")
    stack.fit(X_train, y_train)
    assert stack.estimators_[0] is nb and stack.estimators_[1] is tree
    expected = np.hstack([nb.predict_proba(X_test), tree.predict_proba(X_test)])
    assert_allclose(stack.transform(X_test), expected)
    with pytest.raises(Exception, match="not fitted"):
        StackingClassifier([("nb", GaussianNB())], cv="prefit").fit(X_train, y_train)


def test_binary_probabilities_keep_one_column_and_passthrough_appends_X():
    X, y = load_breast_cancer(return_X_y=True)
    stack = StackingClassifier(
        _classifiers(), GaussianNB(), cv=3, passthrough=True
    ).fit(X, y)
    Xt = stack.transform(X)
    # ridge: 1 decision column; nb and tree: P(class 1) only.
    assert Xt.shape == (len(X), 3 + X.shape[1])
    assert_allclose(Xt[:, 3:], X)
    names = stack.get_feature_names_out()
    assert names[0] == "stackingclassifier_ridge" and names[3] == "x0"


def test_layers_of_blenders():
    X_train, X_test, y_train, y_test = _split(load_wine)
    second_layer = StackingClassifier(
        [("lr", LogisticRegression()), ("nb", GaussianNB())],
        final_estimator=LogisticRegression(),
        cv=3,
    )
    stack = StackingClassifier(_classifiers(), final_estimator=second_layer, cv=3)
    stack.fit(X_train, y_train)
    assert stack.score(X_test, y_test) > 0.9
    first_layer = stack.transform(X_test)
    assert first_layer.shape == (len(X_test), 9)  # 3 members x 3 classes
    second = stack.final_estimator_.transform(first_layer)
    assert second.shape == (len(X_test), 6)


def test_stack_method_and_missing_method_errors():
    X, y = load_wine(return_X_y=True)
    stack = StackingClassifier(_classifiers(), stack_method="predict", cv=3).fit(X, y)
    assert stack.transform(X).shape == (len(X), 3)
    with pytest.raises(ValueError, match="does not implement the method"):
        StackingClassifier(
            [("tree", DecisionTreeClassifier())], stack_method="decision_function"
        ).fit(X, y)


def test_sample_weight_routing_to_members():
    X, y = load_wine(return_X_y=True)
    weights = np.linspace(0.1, 3, len(y))
    with config_context(enable_metadata_routing=True):
        members = [
            ("weighted", GaussianNB().set_fit_request(sample_weight=True)),
            ("plain", GaussianNB().set_fit_request(sample_weight=False)),
        ]
        final = LogisticRegression().set_fit_request(sample_weight=True)
        stack = StackingClassifier(members, final, cv=3)
        stack.fit(X, y, sample_weight=weights)
    weighted = GaussianNB().fit(X, y, sample_weight=weights)
    assert_allclose(stack.named_estimators_["weighted"].theta_, weighted.theta_)
    assert_allclose(
        stack.named_estimators_["plain"].theta_, GaussianNB().fit(X, y).theta_
    )


def test_multilabel_targets():
    X, y = load_wine(return_X_y=True)
    Y = np.column_stack([y == 0, y == 2]).astype(int)
    stack = StackingClassifier(
        [("tree", DecisionTreeClassifier(max_depth=3, random_state=0))],
        final_estimator=DecisionTreeClassifier(max_depth=2, random_state=0),
        cv=3,
    ).fit(X, Y)
    assert stack.transform(X).shape == (len(X), 2)  # P(label = 1) per output
    assert stack.predict(X).shape == Y.shape
    assert_array_equal(np.unique(stack.predict(X)), [0, 1])
