"""Histograms from the rare entries of sparse-like binned data."""

import numpy as np
import pytest
import scipy.sparse as sp

from skdeep.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    _hist_rare,
)
from skdeep.ensemble._hist_binning import BinMapper
from skdeep.ensemble._hist_rare import RareEntries
from skdeep.ensemble._hist_tree import BinnedData, TreeParams, _Grower, grow_tree

_STRUCTURE = ("children_left", "children_right", "feature", "depth")
_NUMBERS = ("threshold", "value", "weighted_n_node_samples", "improvement")


def _sparse_like(n_rows=400, n_features=60, density=0.08, seed=0):
    rng = np.random.RandomState(seed)
    X = sp.random(n_rows, n_features, density=density, random_state=rng).toarray()
    X[:, 3] = rng.normal(size=n_rows)  # one dense column: its common bin is rare
    target = X @ rng.normal(size=n_features) + 0.1 * rng.normal(size=n_rows)
    return X, target


def _binned(X):
    mapper = BinMapper().fit(X)
    return BinnedData(mapper.transform(X), mapper)


@pytest.fixture
def always(monkeypatch):
    """Take the rare-entry route on any size of data."""
    monkeypatch.setattr(_hist_rare, "_MIN_ENTRIES", 0)


def _trees(data, gradients, hessians, params, monkeypatch, route):
    monkeypatch.setattr(_hist_rare, "_MAX_FRACTION", 1.0 if route else -1.0)
    data.__dict__.pop("_rare_entries", None)
    tree, leaves = grow_tree(data, gradients, hessians, params, 0, True)
    assert (RareEntries.maybe(data) is not None) == route
    return tree, leaves


@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize(
    "params",
    [
        TreeParams(),
        TreeParams(max_depth=6, min_samples_leaf=3),
        TreeParams(max_depth=None, max_leaf_nodes=12, l2_regularization=0.5),
    ],
)
def test_rare_route_grows_the_same_trees(always, monkeypatch, uniform, params):
    X, target = _sparse_like()
    data = _binned(X)
    rng = np.random.RandomState(1)
    hessians = np.ones(len(target)) if uniform else rng.uniform(0.5, 2, len(target))
    gradients = -hessians * target
    rare = _trees(data, gradients, hessians, params, monkeypatch, True)
    dense = _trees(data, gradients, hessians, params, monkeypatch, False)
    assert rare[0].node_count == dense[0].node_count > 7
    for name in _STRUCTURE:
        np.testing.assert_array_equal(getattr(rare[0], name), getattr(dense[0], name))
    for name in _NUMBERS:
        np.testing.assert_allclose(
            getattr(rare[0], name), getattr(dense[0], name), rtol=1e-9, atol=1e-9
        )
    np.testing.assert_array_equal(rare[1], dense[1])


def test_rare_histograms_equal_direct_sums(always, monkeypatch):
    X, target = _sparse_like(seed=2)
    data = _binned(X)
    hessians = np.random.RandomState(0).uniform(0.5, 2, len(target))
    grower = _Grower(data, -target * hessians, hessians, TreeParams(), None)
    monkeypatch.setattr(_hist_rare, "_MAX_FRACTION", -1.0)
    direct = grower.histograms(np.array([0]))
    monkeypatch.setattr(_hist_rare, "_MAX_FRACTION", 1.0)
    data.__dict__.pop("_rare_entries", None)
    rare = grower.histograms(np.array([0]))
    np.testing.assert_allclose(rare, direct, rtol=1e-12, atol=1e-9)
    # The common bins carry most rows: they are where the subtraction acts.
    entries = RareEntries.maybe(data)
    counts = direct[0, 2][np.arange(X.shape[1]), entries.common]
    assert (counts[np.arange(X.shape[1]) != 3] > 0.8 * len(target)).all()


def test_the_route_is_taken_only_for_large_sparse_like_data():
    dense = _binned(np.random.RandomState(0).normal(size=(20000, 60)))
    assert RareEntries.maybe(dense) is None
    assert dense.__dict__["_rare_entries"] is None  # cached
    X, _ = _sparse_like(n_rows=20000, n_features=60, density=0.05)
    assert RareEntries.maybe(_binned(X)) is not None
    X, _ = _sparse_like(n_rows=200, n_features=60, density=0.05)
    assert RareEntries.maybe(_binned(X)) is None  # small: not worth it


@pytest.mark.parametrize(
    "Estimator", [GradientBoostingRegressor, GradientBoostingClassifier]
)
def test_boosting_on_wide_sparse_input_matches_the_direct_route(
    always, monkeypatch, Estimator
):
    X, target = _sparse_like(n_rows=300, n_features=400, density=0.02, seed=5)
    y = target if Estimator is GradientBoostingRegressor else (target > 0).astype(int)
    X = sp.csr_matrix(X)
    weights = np.random.RandomState(3).uniform(0.5, 2, len(y))
    predictions = []
    for fraction in (1.0, -1.0):
        monkeypatch.setattr(_hist_rare, "_MAX_FRACTION", fraction)
        model = Estimator(n_estimators=15, random_state=0).fit(X, y, weights)
        predictions.append(model.predict(X))
    np.testing.assert_allclose(predictions[0], predictions[1], rtol=1e-9)


def test_subsamples_inherit_the_rare_entries(always):
    X, _ = _sparse_like(seed=7)
    data = _binned(X)
    rows = np.sort(np.random.RandomState(0).choice(X.shape[0], 150, replace=False))
    child = data.take(rows)
    inherited = child.__dict__["_rare_entries"]
    direct = RareEntries(child.binned, child.n_bins, RareEntries.maybe(data).common)
    np.testing.assert_array_equal(inherited.indptr, direct.indptr)
    np.testing.assert_array_equal(inherited.cells, direct.cells)
    # Dense data decides "no" once; its subsamples do not rescan.
    dense = _binned(np.random.RandomState(0).normal(size=(300, 8)))
    assert dense.take(rows[rows < 300]).__dict__["_rare_entries"] is None
