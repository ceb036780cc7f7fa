"""VotingClassifier / VotingRegressor: parity, transform, weights, routing."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn import ensemble as sk_ensemble
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_wine
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdeep.ensemble import VotingClassifier, VotingRegressor


def _classifiers():
    return [
        ("lr", make_pipeline(StandardScaler(), LogisticRegression())),
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


def _wine():
    X, y = load_wine(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


@pytest.mark.parametrize("voting", ["hard", "soft"])
@pytest.mark.parametrize("weights", [None, [2, 1, 1]])
def test_classifier_matches_sklearn(voting, weights):
    X_train, X_test, y_train, y_test = _wine()
    ours = VotingClassifier(_classifiers(), voting=voting, weights=weights)
    ref = sk_ensemble.VotingClassifier(_classifiers(), voting=voting, weights=weights)
    ours.fit(X_train, y_train)
    ref.fit(X_train, y_train)
    assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    assert_allclose(ours.transform(X_test), ref.transform(X_test))
    if voting == "soft":
        assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test))
    assert ours.score(X_test, y_test) > 0.9


def test_hard_vote_weights_decide_between_members():
    X_train, X_test, y_train, _ = _wine()
    members = _classifiers()[1:]  # two members: the heavier one wins every tie
    heavy_tree = VotingClassifier(members, weights=[1, 2]).fit(X_train, y_train)
    tree = members[1][1].fit(X_train, y_train)
    assert_array_equal(heavy_tree.predict(X_test), tree.predict(X_test))


def test_soft_transform_shapes_and_feature_names():
    X, y = load_wine(return_X_y=True)
    vote = VotingClassifier(_classifiers(), voting="soft").fit(X, y)
    assert vote.transform(X).shape == (len(X), 9)
    names = vote.get_feature_names_out()
    assert list(names[:3]) == [
        "votingclassifier_lr0",
        "votingclassifier_lr1",
        "votingclassifier_lr2",
    ]
    vote.set_params(flatten_transform=False)
    assert vote.transform(X).shape == (3, len(X), 3)
    with pytest.raises(AttributeError, match="predict_proba"):
        VotingClassifier(_classifiers()).fit(X, y).predict_proba(X)


def test_regressor_matches_sklearn_and_weights():
    X, y = load_diabetes(return_X_y=True)
    members = [
        ("lr", LinearRegression()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]
    ours = VotingRegressor(members, weights=[3, 1]).fit(X, y)
    ref = sk_ensemble.VotingRegressor(members, weights=[3, 1]).fit(X, y)
    assert_allclose(ours.predict(X), ref.predict(X))
    columns = ours.transform(X)
    assert_allclose(ours.predict(X), columns @ [0.75, 0.25])


def test_sample_weight_reaches_every_member():
    X, y = load_wine(return_X_y=True)
    weights = np.random.RandomState(0).randint(1, 4, size=len(y)).astype(float)
    vote = VotingClassifier(_classifiers()[1:], voting="soft")
    vote.fit(X, y, sample_weight=weights)
    nb = GaussianNB().fit(X, y, sample_weight=weights)
    assert_allclose(vote.named_estimators_["nb"].theta_, nb.theta_)


def test_metadata_routing_respects_member_requests():
    X, y = load_wine(return_X_y=True)
    weights = np.linspace(0.1, 3, len(y))
    with config_context(enable_metadata_routing=True):
        members = [
            ("weighted", GaussianNB().set_fit_request(sample_weight=True)),
            ("plain", GaussianNB().set_fit_request(sample_weight=False)),
        ]
        vote = VotingClassifier(members).fit(X, y, sample_weight=weights)
        routing = vote.get_metadata_routing()
        assert routing.consumes("fit", ["sample_weight"]) == {"sample_weight"}
    weighted = GaussianNB().fit(X, y, sample_weight=weights)
    plain = GaussianNB().fit(X, y)
    assert_allclose(vote.named_estimators_["weighted"].theta_, weighted.theta_)
    assert_allclose(vote.named_estimators_["plain"].theta_, plain.theta_)


def test_drop_and_replace_members_through_set_params():
    X, y = load_wine(return_X_y=True)
    vote = VotingClassifier(_classifiers(), voting="soft")
    vote.set_params(lr="drop", tree__max_depth=1).fit(X, y)
    assert len(vote.estimators_) == 2
    assert vote.named_estimators_["lr"] == "drop"
    assert vote.named_estimators_["tree"].get_depth() == 1
    assert vote.transform(X).shape == (len(X), 6)
    assert clone(vote).get_params()["tree__max_depth"] == 1


def test_invalid_members_are_reported():
    X, y = load_wine(return_X_y=True)
    with pytest.raises(ValueError, match="should be a non-empty list"):
        VotingClassifier([]).fit(X, y)
    with pytest.raises(ValueError, match="Names provided are not unique"):
        VotingClassifier([("a", GaussianNB()), ("a", GaussianNB())]).fit(X, y)
    with pytest.raises(ValueError, match="should be a classifier"):
        VotingClassifier([("lr", LinearRegression())]).fit(X, y)
    with pytest.raises(ValueError, match="weights must be equal"):
        VotingClassifier(_classifiers(), weights=[1, 2]).fit(X, y)
    with pytest.raises(ValueError, match="conflict with constructor arguments"):
        VotingClassifier([("weights", GaussianNB())]).fit(X, y)
    with pytest.raises(ValueError, match="must not contain __"):
        VotingClassifier([("a__b", GaussianNB())]).fit(X, y)
    with pytest.raises(ValueError, match="All estimators are dropped"):
        VotingClassifier([("a", "drop"), ("b", "drop")]).fit(X, y)


def test_feature_names_out_checks_input_features():
    X, y = load_wine(return_X_y=True)
    vote = VotingRegressor(
        [("lin", LinearRegression()), ("tree", DecisionTreeRegressor(max_depth=2))]
    ).fit(X, y.astype(float))
    names = [f"f{i}" for i in range(X.shape[1])]
    assert list(vote.get_feature_names_out(names)) == [
        "votingregressor_lin",
        "votingregressor_tree",
    ]
    with pytest.raises(ValueError, match="input_features should have length"):
        vote.get_feature_names_out(names[:3])


def test_verbose_prints_one_line_per_member(capsys):
    X, y = load_wine(return_X_y=True)
    members = [("nb", GaussianNB()), ("tree", DecisionTreeClassifier(max_depth=2))]
    VotingClassifier(members, verbose=True).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "(1 of 2) Processing nb" in lines[0]
    assert "(2 of 2) Processing tree" in lines[1]
    assert lines[0].startswith("[Voting]") and "total=" in lines[0]


def test_default_members_when_estimators_is_none():
    X_train, X_test, y_train, y_test = _wine()
    assert (
        VotingClassifier(voting="soft").fit(X_train, y_train).score(X_test, y_test)
        > 0.85
    )
    X, y = load_diabetes(return_X_y=True)
    assert VotingRegressor().fit(X, y).score(X, y) > 0.4


@pytest.mark.parametrize("cls", [VotingClassifier, VotingRegressor])
def test_tags_read_the_members_once(monkeypatch, cls):
    # The input tags come from the members; finding the members must not ask
    # for the tags again (that recursion ran until Python's limit, 6 ms).
    from sklearn.utils import get_tags

    model = cls(None)
    calls = []
    checked = type(model)._checked_members
    monkeypatch.setattr(
        type(model),
        "_checked_members",
        lambda self, *a: calls.append(1) or checked(self, *a),
    )
    get_tags(model)
    assert len(calls) == 1
