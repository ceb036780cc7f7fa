"""Small-batch prediction through all trees at once (FlatForest) against the
per-tree traversal: the same leaves, and bit-identical raw predictions."""

import pickle

import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.datasets import make_classification

from skdeep.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    _forest_traversal,
    _gb_base,
    _gb_outputs,
)
from skdeep.ensemble._forest_traversal import FlatForest


def _data(seed=0, n=600):
    X, y = make_classification(n, 8, n_informative=4, n_classes=3, random_state=seed)
    X[np.random.default_rng(seed).random(X.shape) < 0.1] = np.nan
    return X, y


def _trees(model):
    return [member.tree_ for member in model.estimators_.ravel()]


def _no_comparisons(forest):
    forest._comparisons = None


@pytest.mark.parametrize("table_free", [True, False])
def test_leaves_are_the_per_tree_leaves_for_mixed_depths(table_free, monkeypatch):
    """The table-free pass (consecutive children) and the generic one."""
    if not table_free:
        monkeypatch.setattr(FlatForest, "_build_comparisons", _no_comparisons)
    X, y = _data()
    models = [
        GradientBoostingRegressor(n_estimators=3, max_depth=depth, random_state=0)
        for depth in (1, 3, None)
    ]
    # 600 rows cannot make two leaves of 700: every tree is a single leaf.
    models.append(GradientBoostingRegressor(n_estimators=2, min_samples_leaf=700))
    trees = [t for m in models for t in _trees(m.fit(X, y.astype(float)))]
    assert min(t.node_count for t in trees) == 1 and max(t.max_depth for t in trees) > 5
    mapper = models[0]._bin_mapper
    binned = mapper.transform(np.vstack([X[:50], np.full((1, 8), np.nan)]))
    forest = FlatForest(trees)
    assert forest.compared is table_free and not forest.routed
    leaves = forest.leaves(binned, mapper.missing_bin_)
    for i, tree in enumerate(trees):
        expected = tree.apply_binned(binned, mapper.missing_bin_)
        np.testing.assert_array_equal(leaves[i] - forest.roots[i], expected)
    values = forest.values(binned, mapper.missing_bin_)
    np.testing.assert_array_equal(
        values[0], trees[0].predict_binned(binned, mapper.missing_bin_)
    )


_GBC, _GBR = GradientBoostingClassifier, GradientBoostingRegressor


@pytest.mark.parametrize(
    "model, target",
    [
        (_GBC(n_estimators=20, random_state=0), "classes"),
        (_GBC(n_estimators=15, max_depth=5, subsample=0.7), "binary"),
        (_GBR(n_estimators=20, loss="huber", random_state=0), "real"),
        (_GBR(n_estimators=10, init="zero", max_depth=None), "real"),
    ],
)
def test_small_batches_predict_the_very_floats_of_the_per_tree_path(
    model, target, monkeypatch
):
    X, y = _data(1)
    model.fit(X, {"classes": y, "binary": y > 0, "real": y.astype(float)}[target])
    assert model._flat_forest.routed
    small = np.vstack([model._raw_predict(X[i : i + 9]) for i in range(0, 90, 9)])
    one = model.predict(X[:1])
    large = model._raw_predict(X)  # several row chunks of the routed forest
    monkeypatch.setattr(_forest_traversal, "_CHUNK_PAIRS", 1)
    np.testing.assert_array_equal(large, model._raw_predict(X))
    # Per tree only: no fitted forest (hence no table), no table-free pass,
    # no all-trees batches.
    monkeypatch.setattr(_gb_outputs, "FLAT_MAX_PAIRS", 0)
    monkeypatch.delattr(model, "_flat_forest")
    monkeypatch.setattr(FlatForest, "_build_comparisons", _no_comparisons)
    np.testing.assert_array_equal(large, model._raw_predict(X))
    np.testing.assert_array_equal(small, model._raw_predict(X[:90]))
    np.testing.assert_array_equal(one, model.predict(X[:1]))


def test_routed_leaves_are_the_per_tree_leaves():
    X, y = _data(2)
    models = [
        GradientBoostingRegressor(n_estimators=4, max_depth=depth, random_state=0)
        for depth in (1, 3, 6)
    ]
    trees = [t for m in models for t in _trees(m.fit(X, y.astype(float)))]
    mapper = models[0]._bin_mapper
    binned = mapper.transform(np.vstack([X[:300], np.full((1, 8), np.nan)]))
    routed = FlatForest(trees, mapper.n_bins_)
    assert routed.routed and not FlatForest(trees).routed
    leaves = routed.leaves(binned, mapper.missing_bin_)
    for i, tree in enumerate(trees):
        expected = tree.apply_binned(binned, mapper.missing_bin_)
        np.testing.assert_array_equal(leaves[i] - routed.roots[i], expected)


def test_the_fitted_forest_is_reused_pickled_without_its_table_and_refreshed():
    X, y = _data(3)
    model = GradientBoostingClassifier(n_estimators=10, random_state=0).fit(X, y)
    forest = model._flat_forest
    assert forest.routed and model._model().forest is forest
    expected = model.predict_proba(X[:40])
    state = forest.__getstate__()
    assert "_routing" not in state
    assert "_flat_forest" not in model.__getstate__()  # rebuilt on loading
    assert "_flat_forest" in model.__dict__
    copy = pickle.loads(pickle.dumps(model))
    assert copy._flat_forest.routed and copy._flat_forest.matches(
        _trees(copy), copy._predict_mapper.n_bins_
    )
    np.testing.assert_array_equal(copy.predict_proba(X[:40]), expected)
    # Trees changed behind the estimator's back: a fresh forest, right answers.
    model.estimators_ = model.estimators_[:4]
    assert model._model().forest is not forest
    model.set_params(n_estimators=4)
    fresh = GradientBoostingClassifier(n_estimators=4, random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), fresh.predict_proba(X))
    # Warm start rebuilds the forest over all the trees.
    fresh.set_params(warm_start=True, n_estimators=12).fit(X, y)
    assert len(fresh._flat_forest.trees) == fresh.estimators_.size
    batch = fresh._raw_predict(X[:50])
    np.testing.assert_array_equal(
        batch, np.vstack([fresh._raw_predict(X[i : i + 1]) for i in range(50)])
    )


def test_huge_forests_are_not_kept_and_predict_the_same(monkeypatch):
    X, y = _data(4)
    kept = GradientBoostingRegressor(n_estimators=8, random_state=0).fit(X, y * 1.0)
    monkeypatch.setattr(_forest_traversal, "FOREST_MAX_NODES", 10)
    monkeypatch.setattr(_gb_base, "FOREST_MAX_NODES", 10)
    huge = GradientBoostingRegressor(n_estimators=8, random_state=0).fit(X, y * 1.0)
    assert huge._flat_forest is None and huge._model().forest is None
    np.testing.assert_array_equal(huge.predict(X), kept.predict(X))
    monkeypatch.setattr(_gb_outputs, "FLAT_MAX_PAIRS", 0)  # tree by tree
    np.testing.assert_array_equal(huge.predict(X), kept.predict(X))
    assert pickle.loads(pickle.dumps(huge))._flat_forest is None


@pytest.mark.parametrize("model", [_GBC(n_estimators=12), _GBR(n_estimators=12)])
def test_apply_and_transform_through_the_forest_equal_the_per_tree_path(
    model, monkeypatch
):
    X, y = _data(5)
    model.set_params(random_state=0).fit(X, y if is_classifier(model) else y * 1.0)
    assert model._flat_forest is not None
    monkeypatch.setattr(_forest_traversal, "_CHUNK_PAIRS", 100)  # several chunks
    leaves, columns = model.apply(X), model.transform(X)
    monkeypatch.delattr(model, "_flat_forest")
    np.testing.assert_array_equal(leaves, model.apply(X))
    np.testing.assert_array_equal(columns, model.transform(X))
