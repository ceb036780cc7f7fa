"""Behaviour tests of GradientBoostingClassifier / GradientBoostingRegressor."""

import numpy as np
import pytest
from sklearn.datasets import (
    load_diabetes,
    make_classification,
    make_hastie_10_2,
    make_regression,
)
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import GradientBoostingClassifier as SkGBC
from sklearn.ensemble import GradientBoostingRegressor as SkGBR
from sklearn.metrics import accuracy_score, log_loss, mean_pinball_loss
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdeep.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from skdeep.ensemble._gb_losses import make_loss

from .._versions import since_sklearn

REGRESSION_LOSSES = ["squared_error", "absolute_error", "huber", "quantile"]


@pytest.fixture(scope="module")
def classification_data():
    X, y = make_classification(n_samples=600, n_features=10, random_state=0)
    return train_test_split(X, y, random_state=0)


@pytest.fixture(scope="module")
def regression_data():
    X, y = make_regression(n_samples=500, n_features=8, noise=5.0, random_state=0)
    return train_test_split(X, y, random_state=0)


def test_beats_a_single_tree(regression_data):
    X, y = make_hastie_10_2(n_samples=1200, random_state=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    gb = GradientBoostingClassifier(n_estimators=60, random_state=0).fit(X_tr, y_tr)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_tr, y_tr)
    assert gb.score(X_te, y_te) > tree.score(X_te, y_te) + 0.1
    X_tr, X_te, y_tr, y_te = regression_data
    gbr = GradientBoostingRegressor(n_estimators=60, random_state=0).fit(X_tr, y_tr)
    tree = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X_tr, y_tr)
    assert gbr.score(X_te, y_te) > tree.score(X_te, y_te) + 0.2


@pytest.mark.slow
def test_accuracy_within_one_point_of_sklearn_on_20000_samples():
    X, y = make_classification(n_samples=20000, n_features=20, random_state=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    ours = GradientBoostingClassifier(n_estimators=30, random_state=0).fit(X_tr, y_tr)
    ref = SkGBC(n_estimators=30, random_state=0).fit(X_tr, y_tr)
    assert ours.score(X_te, y_te) >= ref.score(X_te, y_te) - 0.01


@pytest.mark.parametrize("loss", REGRESSION_LOSSES)
def test_regression_close_to_sklearn(loss, regression_data):
    X_tr, X_te, y_tr, y_te = regression_data
    ours = GradientBoostingRegressor(loss=loss, n_estimators=40, random_state=0)
    ref = SkGBR(loss=loss, n_estimators=40, random_state=0)
    ours.fit(X_tr, y_tr)
    ref.fit(X_tr, y_tr)
    if loss == "quantile":  # R^2 is meaningless for the 0.9-quantile
        ours_loss = mean_pinball_loss(y_te, ours.predict(X_te), alpha=0.9)
        ref_loss = mean_pinball_loss(y_te, ref.predict(X_te), alpha=0.9)
        assert ours_loss == pytest.approx(ref_loss, rel=0.1)
    else:
        assert ours.score(X_te, y_te) == pytest.approx(ref.score(X_te, y_te), abs=0.05)
    # Same training loss definition as sklearn's train_score_ (initial stage).
    assert ours.train_score_[0] == pytest.approx(ref.train_score_[0], rel=0.05)


def test_multiclass_matches_sklearn_on_few_distinct_values():
    # Few distinct feature values: binning is exact, so the model is the same.
    rng = np.random.RandomState(0)
    X = rng.randint(0, 6, size=(300, 4)).astype(float)
    y = (X[:, 0] + X[:, 1] + rng.randint(0, 3, 300)) % 3
    ours = GradientBoostingClassifier(n_estimators=10, random_state=0).fit(X, y)
    ref = SkGBC(n_estimators=10, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(ours.train_score_, ref.train_score_, rtol=1e-6)


@pytest.mark.parametrize(
    "estimator, loss",
    [(GradientBoostingRegressor, loss) for loss in REGRESSION_LOSSES]
    + [
        (GradientBoostingClassifier, "log_loss"),
        (GradientBoostingClassifier, "exponential"),
    ],
)
def test_training_loss_decreases_monotonically(estimator, loss, regression_data):
    X, _, y, _ = regression_data
    if estimator is GradientBoostingClassifier:
        y = (y > np.median(y)).astype(int)
    model = estimator(loss=loss, learning_rate=0.05, n_estimators=25, random_state=0)
    model.fit(X, y)
    # Evaluate every stage with one fixed loss (Huber's delta moves per stage).
    loss_obj = make_loss(loss, n_classes=2, alpha=0.9)
    if loss == "huber":
        loss_obj.delta = 1.0 * np.std(y)
    encoded = y.astype(float)
    weights = np.ones_like(encoded)
    values = [loss_obj(encoded, raw, weights) for raw in model._staged_raw_predict(X)]
    assert np.all(np.diff(values) <= 1e-10)
    assert values[-1] < values[0]


def test_staged_predictions_end_at_final_predictions(classification_data):
    X_tr, X_te, y_tr, _ = classification_data
    clf = GradientBoostingClassifier(n_estimators=15, random_state=0).fit(X_tr, y_tr)
    staged = list(clf.staged_predict_proba(X_te))
    assert len(staged) == 15
    np.testing.assert_allclose(staged[-1], clf.predict_proba(X_te))
    np.testing.assert_array_equal(list(clf.staged_predict(X_te))[-1], clf.predict(X_te))
    decision = list(clf.staged_decision_function(X_te))[-1]
    np.testing.assert_allclose(decision.ravel(), clf.decision_function(X_te))
    # transform columns add up to the decision function minus the init score.
    init = clf.decision_function(X_te) - clf.transform(X_te).sum(axis=1)
    np.testing.assert_allclose(init, init[0])


def test_multiclass_probabilities(classification_data):
    X, y = make_classification(
        n_samples=400, n_features=8, n_informative=5, n_classes=3, random_state=1
    )
    clf = GradientBoostingClassifier(n_estimators=20, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (400, 3) and clf.estimators_.shape == (20, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert log_loss(y, proba) < log_loss(y, np.full((400, 3), 1 / 3)) / 2
    assert accuracy_score(y, clf.predict(X)) > 0.85


def test_early_stopping_stops_and_is_reproducible():
    X, y = make_classification(n_samples=600, flip_y=0.3, random_state=0)
    params = dict(n_estimators=500, n_iter_no_change=5, random_state=0)
    clf = GradientBoostingClassifier(**params).fit(X, y)
    assert clf.n_estimators_ < 500
    assert clf.estimators_.shape[0] == clf.n_estimators_ == clf.train_score_.size
    again = GradientBoostingClassifier(**params).fit(X, y)
    assert again.n_estimators_ == clf.n_estimators_


def test_warm_start_equals_one_fit(regression_data):
    X, _, y, _ = regression_data
    full = GradientBoostingRegressor(n_estimators=20, subsample=0.7, random_state=3)
    full.fit(X, y)
    warm = GradientBoostingRegressor(
        n_estimators=10, subsample=0.7, random_state=3, warm_start=True
    )
    warm.fit(X, y)
    warm.set_params(n_estimators=20).fit(X, y)
    np.testing.assert_allclose(warm.predict(X), full.predict(X))
    assert warm.oob_scores_.shape == (20,)
    with pytest.raises(ValueError, match="n_estimators=5 must be larger"):
        warm.set_params(n_estimators=5).fit(X, y)
    # The failed call left the fitted model untouched.
    assert warm.n_estimators_ == 20


@pytest.mark.parametrize(
    "estimator", [GradientBoostingClassifier, GradientBoostingRegressor]
)
def test_integer_sample_weight_equals_repeated_rows(estimator):
    X, y = load_diabetes(return_X_y=True)
    X, y = X[:150, :4], y[:150]
    if estimator is GradientBoostingClassifier:
        y = (y > np.median(y)).astype(int)
    w = np.random.RandomState(0).randint(0, 4, size=y.size)
    weighted = estimator(n_estimators=10, random_state=0).fit(X, y, sample_weight=w)
    repeated = estimator(n_estimators=10, random_state=0).fit(
        np.repeat(X, w, axis=0), np.repeat(y, w)
    )
    method = "predict_proba" if hasattr(weighted, "predict_proba") else "predict"
    np.testing.assert_allclose(
        getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-7
    )


def test_missing_values_are_routed():
    rng = np.random.RandomState(0)
    X = rng.rand(400, 2)
    y = (X[:, 0] > 0.5).astype(int)
    X[y == 1][:50, 0] = np.nan
    missing = rng.rand(400) < 0.2
    X[missing & (y == 1), 0] = np.nan
    clf = GradientBoostingClassifier(n_estimators=20, random_state=0).fit(X, y)
    # Missing values carry the label information of "large" values.
    assert clf.score(X, y) > 0.97
    assert np.all(clf.predict(np.array([[np.nan, 0.5]] * 3)) == 1)


def test_bad_input_errors():
    X, y = make_classification(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="exponential"):
        GradientBoostingClassifier(loss="exponential").fit(X, np.arange(50) % 3)
    with pytest.raises(ValueError, match="minimum of 2 classes"):
        GradientBoostingClassifier().fit(X, np.zeros(50))
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        GradientBoostingRegressor().fit(X_inf, y)
    with pytest.raises(ValueError, match="max_bins"):
        GradientBoostingRegressor(max_bins=300).fit(X, y)


def test_feature_importances_agree_with_sklearn(regression_data):
    X, _, y, _ = regression_data
    ours = GradientBoostingRegressor(n_estimators=30, random_state=0).fit(X, y)
    ref = SkGBR(n_estimators=30, random_state=0).fit(X, y)
    assert ours.feature_importances_.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        ours.feature_importances_, ref.feature_importances_, atol=0.03
    )


def test_apply_and_transform_shapes_and_consistency():
    X, y = make_classification(
        n_samples=200, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    clf = GradientBoostingClassifier(n_estimators=7, max_depth=2, random_state=0)
    clf.fit(X, y)
    leaves = clf.apply(X)
    assert leaves.shape == (200, 7, 3)
    # Each leaf index points at a leaf whose value the tree member predicts.
    member = clf.estimators_[2, 1]
    np.testing.assert_array_equal(leaves[:, 2, 1], member.apply(X))
    assert np.all(member.tree_.children_left[member.apply(X)] == -1)
    trees = clf.transform(X)
    assert trees.shape == (200, 21)
    np.testing.assert_allclose(
        trees[:, 2 * 3 + 1], clf.learning_rate * member.predict(X)
    )
    per_class = trees.reshape(200, 7, 3).sum(axis=1)
    offset = clf.decision_function(X) - per_class
    np.testing.assert_allclose(offset, np.broadcast_to(offset[0], offset.shape))


def test_sparse_and_pandas_input_match_dense(regression_data):
    pd = pytest.importorskip("pandas")
    import scipy.sparse as sp

    X, _, y, _ = regression_data
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    dense = GradientBoostingRegressor(n_estimators=10, random_state=0).fit(X, y)
    sparse = GradientBoostingRegressor(n_estimators=10, random_state=0)
    sparse.fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.predict(sp.csc_matrix(X)), dense.predict(X))
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    named = GradientBoostingRegressor(n_estimators=10, random_state=0).fit(frame, y)
    assert list(named.feature_names_in_) == list(frame.columns)
    np.testing.assert_allclose(named.predict(frame), dense.predict(X))


def test_init_options():
    X, y = make_classification(n_samples=200, random_state=0)
    zero = GradientBoostingClassifier(init="zero", n_estimators=5).fit(X, y)
    assert zero.init_ == "zero" and zero.score(X, y) > 0.8

    class NoWeights(DecisionTreeClassifier):
        def fit(self, X, y):
            return super().fit(X, y)

    custom = GradientBoostingClassifier(init=NoWeights(max_depth=1), n_estimators=5)
    assert custom.fit(X, y).init_.get_depth() == 1
    with pytest.raises(ValueError, match="does not support sample weights"):
        custom.fit(X, y, sample_weight=np.ones(200))


def test_subsample_gives_oob_attributes_and_verbose_output(capsys):
    X, y = make_classification(n_samples=300, random_state=0)
    clf = GradientBoostingClassifier(
        n_estimators=12, subsample=0.5, verbose=2, random_state=0
    ).fit(X, y)
    assert clf.oob_improvement_.shape == clf.oob_scores_.shape == (12,)
    assert clf.oob_score_ == clf.oob_scores_[-1]
    # Out-of-bag loss improves on average over the first stages.
    assert clf.oob_improvement_[:5].sum() > 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "OOB Improve" in lines[0] and len(lines) == 13
    full = GradientBoostingClassifier(n_estimators=3).fit(X, y)
    assert not hasattr(full, "oob_score_")


def test_invalid_parameters_raise_before_fitting():
    X, y = make_classification(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="learning_rate"):
        GradientBoostingClassifier(learning_rate=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="loss"):
        GradientBoostingRegressor(loss="log_loss").fit(X, y)
    with pytest.warns(FutureWarning, match="criterion"):
        GradientBoostingRegressor(criterion="squared_error", n_estimators=2).fit(X, y)


def test_tree_shape_parameters_reach_the_trees(regression_data):
    X, _, y, _ = regression_data
    best_first = GradientBoostingRegressor(
        n_estimators=3, max_depth=None, max_leaf_nodes=6, random_state=0
    ).fit(X, y)
    assert all(m.get_n_leaves() == 6 for m in best_first.estimators_.ravel())
    plain = GradientBoostingRegressor(n_estimators=3, random_state=0).fit(X, y)
    shrunk = GradientBoostingRegressor(
        n_estimators=3, l2_regularization=1000.0, random_state=0
    ).fit(X, y)
    # The L2 penalty shrinks every leaf value towards zero.
    spread = [
        np.abs(m.tree_.value).max()
        for m in (plain.estimators_[0, 0], shrunk.estimators_[0, 0])
    ]
    assert spread[1] < spread[0]
    leafy = GradientBoostingRegressor(
        n_estimators=2, max_depth=None, min_samples_leaf=20, random_state=0
    ).fit(X, y)
    tree = leafy.estimators_[0, 0].tree_
    assert tree.n_node_samples[tree.children_left == -1].min() >= 20


@pytest.mark.parametrize(
    "params",
    [
        dict(min_weight_fraction_leaf=0.1),
        pytest.param(
            dict(min_impurity_decrease=400.0),
            marks=since_sklearn("1.9", "gradient boosting's trees changed"),
        ),
        dict(ccp_alpha=300.0),
        dict(max_depth=None, max_leaf_nodes=5),
    ],
)
def test_stopping_parameters_match_sklearn_exactly(params):
    # Rounded features: few distinct values, so binning is exact and every
    # tree must equal scikit-learn's, stopping rules included.
    X, y = make_regression(n_samples=400, n_features=4, noise=10.0, random_state=0)
    X = np.round(X, 1)
    ours = GradientBoostingRegressor(n_estimators=5, random_state=0, **params)
    ref = SkGBR(n_estimators=5, random_state=0, **params)
    ours.fit(X, y)
    ref.fit(X, y)
    counts = [m.tree_.node_count for m in ours.estimators_.ravel()]
    assert counts == [m.tree_.node_count for m in ref.estimators_.ravel()]
    assert min(counts) < 15 or "max_leaf_nodes" in params  # the rule was active
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-8)


@pytest.mark.parametrize("n_rows, n_in_bag", [(6, 3), (200, 37), (1000, 999)])
def test_subsample_mask_is_selection_sampling(n_rows, n_in_bag):
    from skdeep.ensemble._gb_stages import _in_bag_mask

    mask = _in_bag_mask(n_rows, n_in_bag, np.random.RandomState(3))
    # Reference: the sequential rule on the same uniforms.
    uniforms = np.random.RandomState(3).uniform(size=n_rows)
    expected, taken = np.zeros(n_rows, dtype=bool), 0
    for i, u in enumerate(uniforms):
        if u * (n_rows - i) < n_in_bag - taken:
            expected[i], taken = True, taken + 1
    np.testing.assert_array_equal(mask, expected)
    assert mask.sum() == n_in_bag


def test_failed_refit_keeps_the_previous_model():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    clf = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(X, y)
    before = clf.predict_proba(X)

    class Broken(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            raise RuntimeError("init failed")

    clf.set_params(init=Broken())
    with pytest.raises(RuntimeError, match="init failed"):
        clf.fit(np.hstack([X, X]), y)
    assert clf.n_features_in_ == 5
    np.testing.assert_allclose(clf.predict_proba(X), before)


def test_binomial_deviance_equals_the_logaddexp_form():
    loss = make_loss("log_loss", n_classes=2)
    raw = np.concatenate([np.linspace(-800, 800, 4001), [0.0, -0.0, 1e-300]])
    y = (np.arange(raw.size) % 2).astype(float)
    expected = np.logaddexp(0.0, raw) - y * raw
    got = loss.pointwise(y, raw[:, None])
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=1e-300)
