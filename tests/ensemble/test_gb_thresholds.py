"""Split thresholds of the gradient-boosting trees, and prediction by them.

A split over empty bins cuts at the midpoint of the neighbouring values, as
scikit-learn's exact trees do, and new data is routed by those real
thresholds (not by the training bins).
"""

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier as SkGBC
from sklearn.ensemble import GradientBoostingRegressor as SkGBR

from skdeep.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    _gb_stages,
    _hist_predict_bins,
)
from skdeep.ensemble._hist_binning import BinMapper


def _inner_splits(member):
    tree = member.tree_
    inner = tree.children_left >= 0
    return sorted(zip(tree.feature[inner], tree.threshold[inner]))


def _one_feature_data(n_rows=200, seed=0):
    # One feature (no ties between features) with 60 spread-out values.
    rng = np.random.RandomState(seed)
    levels = np.sort(rng.uniform(-3, 3, 60))
    X = rng.choice(levels, size=(n_rows, 1))
    y = np.sin(2 * X[:, 0]) + 0.3 * rng.randn(n_rows)
    return X, y


def test_thresholds_and_new_data_match_sklearn():
    X, y = _one_feature_data()
    params = dict(n_estimators=20, max_depth=4, subsample=0.7, random_state=0)
    ours, ref = GradientBoostingRegressor(**params), SkGBR(**params)
    ours.fit(X, y), ref.fit(X, y)
    for mine, theirs in zip(ours.estimators_.ravel(), ref.estimators_.ravel()):
        np.testing.assert_array_equal(_inner_splits(mine), _inner_splits(theirs))
    grid = np.linspace(-3.5, 3.5, 2001)[:, None]
    np.testing.assert_allclose(ours.predict(grid), ref.predict(grid), atol=1e-9)
    # Out-of-bag rows fall in the gaps of the in-bag nodes too.
    np.testing.assert_allclose(ours.oob_improvement_, ref.oob_improvement_, atol=1e-9)


def test_scikit_learn_oob_regression_values():
    X = [[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1]]
    y = [-1, -1, -1, 1, 1, 1]
    params = dict(n_estimators=100, random_state=1, subsample=0.5)
    ours = GradientBoostingClassifier(**params).fit(X, y)
    ref = SkGBC(**params).fit(X, y)
    np.testing.assert_allclose(ours.oob_improvement_, ref.oob_improvement_, atol=1e-9)


def test_split_point_cuts_between_the_neighbouring_values():
    mapper = BinMapper().fit(np.array([[0.0], [1.0], [2.0], [3.0], [10.0]]))
    # Left ends at value 1, right starts at value 10: cut at 5.5, bins of
    # 2 and 3 (both below) go left.
    assert mapper.split_point(0, 1, 4) == (3, 5.5)
    assert mapper.split_point(0, 1, 2) == (1, 1.5)  # no gap: the bin edge
    assert mapper.split_point(0, 3, -1) == (3, 6.5)  # nothing occupied right
    # Quantile bins (more values than bins): the edge nearest the gap's middle.
    quantiles = BinMapper(max_bins=5).fit(np.arange(100.0)[:, None])
    assert quantiles.bin_values_[0] is None
    edges = quantiles.bin_thresholds_[0]
    assert quantiles.split_point(0, 0, 3) == (1, edges[1])
    # A subsample may miss values: its bins are not known to hold one value.
    sampled = BinMapper(subsample=50).fit(np.arange(100.0)[:, None] % 40)
    assert sampled.bin_values_[0] is None
    assert (
        BinMapper(subsample=100).fit(np.arange(100.0)[:, None] % 40).bin_values_[0].size
        == 40
    )
    assert quantiles.split_point(0, 0, 4)[0] in (1, 2)  # a tie: 49.5 is between


def _awkward_rows(model, rng, n_rows=400):
    """New rows: exact thresholds, their float neighbours and NaN."""
    thresholds = np.concatenate(
        [
            m.tree_.threshold[m.tree_.children_left >= 0]
            for m in model.estimators_.ravel()
        ]
    )
    picks = rng.choice(thresholds[np.isfinite(thresholds)], size=(n_rows, 3))
    shift = rng.choice([-np.inf, 0.0, np.inf], size=picks.shape)
    X = np.nextafter(picks, shift).astype(np.float32)  # float32, as fitted
    X[rng.rand(*X.shape) < 0.05] = np.nan
    return X


def _mixed_data(seed=0):
    rng = np.random.RandomState(seed)
    X = np.column_stack(
        [
            rng.randint(0, 12, 300) * 0.5,  # few values: midpoint cuts
            rng.randn(300),  # 300 values: quantile bins
            np.round(rng.randn(300), 1),
        ]
    )
    X[rng.rand(*X.shape) < 0.05] = np.nan
    score = np.sin(2 * X[:, 0]) + np.cos(3 * X[:, 2]) + 0.5 * X[:, 1]
    y = (np.nan_to_num(score) + 0.3 * rng.randn(300) > 0).astype(int)
    return X, y, rng


@pytest.mark.parametrize("max_bins_in_use", [None, 8])
def test_binned_prediction_follows_the_real_thresholds(monkeypatch, max_bins_in_use):
    X, y, rng = _mixed_data()
    if max_bins_in_use is not None:
        # Too many thresholds for the prediction bins: they snap to edges.
        monkeypatch.setattr(_hist_predict_bins, "MAX_BINS", max_bins_in_use)
    model = GradientBoostingClassifier(n_estimators=30, max_depth=5, random_state=0)
    model.fit(X, y)
    X_new = _awkward_rows(model, rng)
    for member in model.estimators_.ravel():
        np.testing.assert_array_equal(
            member.apply(X_new), member.tree_.apply_values(X_new)
        )
    assert model._predict_mapper.n_bins_ <= 256  # uint8 bins, missing bin included
    if max_bins_in_use is not None:
        # Snapped thresholds are training edges and route the training data
        # as the midpoints did.
        reference = GradientBoostingClassifier(
            n_estimators=30, max_depth=5, random_state=0
        )
        monkeypatch.undo()
        reference.fit(X, y)
        np.testing.assert_array_equal(
            model.decision_function(X), reference.decision_function(X)
        )
        snapped = 0
        for feature, edges in enumerate(model._bin_mapper.bin_thresholds_):
            before, after = (_used_thresholds(m, feature) for m in (reference, model))
            many = np.unique(before).size > max_bins_in_use - 1
            if many and model._bin_mapper.bin_values_[feature] is not None:
                assert np.isin(after, edges).all()
                snapped += 1
        assert snapped > 0


def _used_thresholds(model, feature):
    used = np.concatenate(
        [
            m.tree_.threshold[
                (m.tree_.feature == feature) & (m.tree_.children_left >= 0)
            ]
            for m in model.estimators_.ravel()
        ]
    )
    return used[np.isfinite(used)]


def test_warm_start_rebins_every_tree():
    X, y, rng = _mixed_data(1)
    params = dict(max_depth=5, random_state=0)
    warm = GradientBoostingClassifier(n_estimators=10, warm_start=True, **params)
    warm.fit(X, y).set_params(n_estimators=25).fit(X, y)
    once = GradientBoostingClassifier(n_estimators=25, **params).fit(X, y)
    X_new = _awkward_rows(once, rng)
    np.testing.assert_allclose(
        warm.decision_function(X_new), once.decision_function(X_new), atol=1e-12
    )


def test_early_stopping_scores_validation_rows_by_the_real_thresholds(monkeypatch):
    # 225 distinct training values (one bin each); the validation values lie
    # between them, some between a midpoint threshold and the bin edges.
    rng = np.random.RandomState(3)
    X = rng.uniform(-3, 3, size=(250, 2))
    y = np.sin(2 * X[:, 0]) * X[:, 1] + 0.3 * rng.randn(250)
    seen = {}
    original = _gb_stages._should_stop_early

    def spy(inputs, *args):
        stop = original(inputs, *args)
        seen["X"], seen["raw"] = inputs.validation[0], inputs.validation[3].copy()
        return stop

    monkeypatch.setattr(_gb_stages, "_should_stop_early", spy)
    model = GradientBoostingRegressor(
        n_estimators=40, max_depth=6, n_iter_no_change=100, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(model.predict(seen["X"]), seen["raw"][:, 0], atol=1e-9)
