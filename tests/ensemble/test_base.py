"""Shared ensemble machinery: n_jobs equivalence, member errors, seeding."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_wine
from sklearn.linear_model import Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier

from skdeep.ensemble import (
    AdaBoostClassifier,
    BaggingClassifier,
    BaggingRegressor,
    StackingClassifier,
    VotingClassifier,
)
from skdeep.ensemble._base import partition, set_random_states


class _Broken(ClassifierMixin, BaseEstimator):
    """A member whose fit always fails."""

    def fit(self, X, y, sample_weight=None):
        raise ValueError("cannot learn from this data")

    def predict(self, X):  # pragma: no cover - never fitted
        return np.zeros(len(X))


@pytest.fixture(scope="module")
def wine():
    return load_wine(return_X_y=True)


def _members():
    return [("nb", GaussianNB()), ("tree", DecisionTreeClassifier(max_depth=3))]


@pytest.mark.parametrize(
    "make",
    [
        lambda n_jobs: BaggingClassifier(n_estimators=6, random_state=0, n_jobs=n_jobs),
        lambda n_jobs: BaggingRegressor(n_estimators=6, random_state=0, n_jobs=n_jobs),
        lambda n_jobs: VotingClassifier(_members(), voting="soft", n_jobs=n_jobs),
        lambda n_jobs: StackingClassifier(_members(), cv=3, n_jobs=n_jobs),
    ],
    ids=["bagging_clf", "bagging_reg", "voting", "stacking"],
)
def test_two_jobs_give_the_same_model_as_one(make, wine):
    X, y = wine
    sequential = make(1).fit(X, y)
    parallel = make(2).fit(X, y)
    assert_allclose(parallel.transform(X), sequential.transform(X))
    assert_allclose(parallel.predict(X), sequential.predict(X))


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: VotingClassifier([("ok", GaussianNB()), ("bad", _Broken())]), "'bad'"),
        (
            lambda: StackingClassifier([("ok", GaussianNB()), ("bad", _Broken())]),
            "'bad'",
        ),
        (lambda: BaggingClassifier(_Broken(), n_estimators=2), "member #0"),
    ],
    ids=["voting", "stacking", "bagging"],
)
def test_member_failure_names_the_member(make, expected, wine):
    X, y = wine
    with pytest.raises(ValueError, match=f"{expected}.*_Broken.*cannot learn"):
        make().fit(X, y)


def test_member_failure_in_a_worker_process_names_the_member(wine):
    X, y = wine
    vote = VotingClassifier([("ok", GaussianNB()), ("bad", _Broken())], n_jobs=2)
    with pytest.raises(ValueError, match="member 'bad'"):
        vote.fit(X, y)


def test_member_without_sample_weight_support_is_named(wine):
    X, y = wine
    vote = VotingClassifier([("nb", GaussianNB()), ("knn", KNeighborsClassifier())])
    with pytest.raises(TypeError, match="'knn'.*does not support sample weights"):
        vote.fit(X, y, sample_weight=np.ones(len(y)))


def test_failed_refit_keeps_the_fitted_members(wine):
    X, y = wine
    vote = VotingClassifier(_members()).fit(X, y)
    members = vote.estimators_
    vote.set_params(tree=_Broken())
    with pytest.raises(ValueError):
        vote.fit(X, y)
    assert vote.estimators_ is members


@pytest.mark.parametrize("cls", [BaggingClassifier, AdaBoostClassifier])
def test_failed_refit_on_other_data_leaves_the_model_usable(cls, wine):
    X, y = wine
    model = cls(DecisionTreeClassifier(max_depth=2), n_estimators=3, random_state=0)
    expected = model.fit(X, y).predict(X)
    model.set_params(estimator=_Broken())
    with pytest.raises(ValueError, match="_Broken"):
        model.fit(X[:, :5], y)
    assert model.n_features_in_ == X.shape[1]
    assert_allclose(model.predict(X), expected)


def test_set_random_states_seeds_nested_members_reproducibly():
    pipe = make_pipeline(Ridge(), DecisionTreeClassifier())
    first = set_random_states(pipe, 0).get_params()[
        "decisiontreeclassifier__random_state"
    ]
    again = set_random_states(pipe, 0).get_params()[
        "decisiontreeclassifier__random_state"
    ]
    assert first == again and isinstance(first, (int, np.integer))


@pytest.mark.parametrize("cls", [BaggingClassifier, AdaBoostClassifier])
def test_make_estimator_adds_seeded_clones_like_sklearns_hook(cls, wine):
    X, y = wine
    model = cls(DecisionTreeClassifier(max_depth=2), n_estimators=3).fit(X, y)
    model.estimators_ = []
    rng = np.random.RandomState(3)
    unseeded = model._make_estimator()
    first = model._make_estimator(random_state=rng)
    second = model._make_estimator(random_state=rng)
    loose = model._make_estimator(append=False)
    assert list(model) == [unseeded, first, second] and len(model) == 3
    assert loose is not model.estimator_ and model[0] is unseeded
    assert unseeded.random_state is None and loose.random_state is None
    assert first.random_state != second.random_state
    assert isinstance(first.random_state, (int, np.integer))


@pytest.mark.parametrize("n_items, n_jobs", [(10, 1), (10, 3), (2, 4), (7, 2)])
def test_partition_covers_every_item_once(n_items, n_jobs):
    n_chunks, bounds = partition(n_items, n_jobs)
    assert n_chunks == min(n_items, n_jobs)
    assert bounds[0] == 0 and bounds[-1] == n_items
    sizes = np.diff(bounds)
    assert sizes.min() >= 1 and sizes.max() - sizes.min() <= 1


def test_skdeep_network_as_a_member_of_every_ensemble(wine):
    from sklearn.preprocessing import StandardScaler

    from skdeep.neural_network import MLPClassifier

    X, y = wine
    X = StandardScaler().fit_transform(X)

    def net():
        return MLPClassifier(hidden_layer_sizes=(8,), max_iter=200, random_state=0)

    ensembles = [
        VotingClassifier([("net", net()), ("nb", GaussianNB())], voting="soft"),
        StackingClassifier([("net", net()), ("nb", GaussianNB())], cv=3),
        BaggingClassifier(net(), n_estimators=3, random_state=0),
    ]
    for ensemble in ensembles:
        assert ensemble.fit(X, y).score(X, y) > 0.9
        assert ensemble.transform(X).shape[0] == len(X)


def test_pandas_input_feature_names_and_set_output(wine):
    pd = pytest.importorskip("pandas")
    X, y = wine
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    vote = VotingClassifier(_members(), voting="soft").set_output(transform="pandas")
    out = vote.fit(frame, y).transform(frame)
    assert list(vote.feature_names_in_) == list(frame.columns)
    assert list(out.columns) == list(vote.get_feature_names_out())
    bag = BaggingClassifier(n_estimators=2, random_state=0).fit(frame, y)
    assert list(bag.feature_names_in_) == list(frame.columns)
    assert bag.get_feature_names_out()[0] == "baggingclassifier0"
