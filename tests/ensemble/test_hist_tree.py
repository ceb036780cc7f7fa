"""Tests of the vectorised histogram tree (binning, split search, growth)."""

import numpy as np
import pytest
from sklearn.tree import DecisionTreeRegressor

from skdeep.ensemble._hist_binning import BinMapper
from skdeep.ensemble._hist_tree import BinnedData, TreeParams, grow_tree


def _binned(X, max_bins=255):
    mapper = BinMapper(max_bins=max_bins).fit(X)
    return BinnedData(mapper.transform(X), mapper), mapper


def _sse(y, w):
    if w.sum() == 0:
        return 0.0
    mean = np.average(y, weights=w)
    return float(np.sum(w * (y - mean) ** 2))


def _brute_force_root_split(X, y, w, min_samples_leaf=1):
    """Best (gain, feature, threshold, nan_left) by trying every split."""
    best = (-np.inf, None, None, None)
    parent = _sse(y, w)
    for j in range(X.shape[1]):
        col = X[:, j]
        nan = np.isnan(col)
        values = np.unique(col[~nan])
        # "everything non-missing left, missing right" is a split too.
        thresholds = list((values[:-1] + values[1:]) / 2) + [np.inf]
        for t in thresholds:
            for nan_left in (False, True):
                left = (col <= t) | (nan & nan_left)
                n_left, n_right = left.sum(), (~left).sum()
                if min(n_left, n_right) < min_samples_leaf:
                    continue
                gain = parent - _sse(y[left], w[left]) - _sse(y[~left], w[~left])
                if gain > best[0] + 1e-9:
                    best = (gain, j, t, nan_left)
    return best


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("min_samples_leaf", [1, 5])
def test_root_split_equals_brute_force_search_with_nan(seed, min_samples_leaf):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 8, size=(60, 3)).astype(float)
    X[rng.rand(*X.shape) < 0.15] = np.nan
    y = rng.randn(60) + 2 * np.nan_to_num(X[:, 0], nan=9.0)
    w = rng.uniform(0.5, 2.0, size=60)
    data, _ = _binned(X)
    params = TreeParams(max_depth=1, min_samples_leaf=min_samples_leaf)
    tree = grow_tree(data, -w * y, w, params)
    gain, feature, threshold, nan_left = _brute_force_root_split(
        X, y, w, min_samples_leaf
    )
    assert tree.feature[0] == feature
    assert tree.threshold[0] == pytest.approx(threshold)
    assert tree.improvement[0] == pytest.approx(gain, rel=1e-9)
    has_nan = np.isnan(X[:, feature]).any()
    if has_nan:
        assert bool(tree.missing_go_left[0]) == nan_left


def test_nan_only_split_is_found():
    # The target is fully explained by "is the value missing".
    X = np.array([[1.0], [2.0], [3.0], [np.nan], [np.nan], [4.0]])
    y = np.array([0.0, 0.0, 0.0, 5.0, 5.0, 0.0])
    data, mapper = _binned(X)
    tree = grow_tree(data, -y, np.ones(6), TreeParams(max_depth=1))
    assert np.isinf(tree.threshold[0]) and not tree.missing_go_left[0]
    pred = tree.predict_binned(data.binned, mapper.missing_bin_)
    np.testing.assert_allclose(pred, y)


@pytest.mark.parametrize("max_depth", [1, 2, 4, None])
def test_matches_exact_sklearn_tree_on_few_distinct_values(max_depth):
    # With fewer distinct values than bins, the histogram tree is exact and
    # grows the same tree as scikit-learn's exhaustive regression tree.
    rng = np.random.RandomState(0)
    X = rng.randint(0, 12, size=(300, 4)).astype(float)
    y = X[:, 0] * np.sin(X[:, 1]) + rng.randn(300)
    data, mapper = _binned(X)
    tree = grow_tree(data, -y, np.ones(300), TreeParams(max_depth=max_depth))
    reference = DecisionTreeRegressor(max_depth=max_depth).fit(X, y)
    assert tree.node_count == reference.tree_.node_count
    pred = tree.predict_binned(data.binned, mapper.missing_bin_)
    np.testing.assert_allclose(pred, reference.predict(X), atol=1e-10)


@pytest.mark.parametrize("max_leaf_nodes", [2, 5, 11])
def test_best_first_growth_matches_sklearn(max_leaf_nodes):
    rng = np.random.RandomState(1)
    X = rng.randint(0, 10, size=(250, 3)).astype(float)
    y = X[:, 0] ** 2 - 3 * X[:, 2] + rng.randn(250)
    data, mapper = _binned(X)
    params = TreeParams(max_depth=None, max_leaf_nodes=max_leaf_nodes)
    tree = grow_tree(data, -y, np.ones(250), params)
    reference = DecisionTreeRegressor(max_leaf_nodes=max_leaf_nodes).fit(X, y)
    assert tree.n_leaves == max_leaf_nodes == reference.get_n_leaves()
    pred = tree.predict_binned(data.binned, mapper.missing_bin_)
    np.testing.assert_allclose(pred, reference.predict(X), atol=1e-10)


def test_stopping_rules():
    rng = np.random.RandomState(0)
    X = rng.rand(400, 3)
    y = rng.randn(400)
    data, mapper = _binned(X, max_bins=32)
    tree = grow_tree(
        data, -y, np.ones(400), TreeParams(max_depth=None, min_samples_leaf=30)
    )
    leaves = tree.children_left == -1
    assert tree.n_node_samples[leaves].min() >= 30
    assert tree.n_node_samples[0] == 400
    # A pure target is never split.
    flat = grow_tree(data, -np.ones(400), np.ones(400), TreeParams(max_depth=5))
    assert flat.node_count == 1


def test_l2_regularization_shrinks_leaves():
    X = np.arange(20, dtype=float)[:, None]
    y = (X[:, 0] > 9).astype(float) * 4
    data, _ = _binned(X)
    plain = grow_tree(data, -y, np.ones(20), TreeParams(max_depth=1))
    shrunk = grow_tree(
        data, -y, np.ones(20), TreeParams(max_depth=1, l2_regularization=10)
    )
    # value = sum(y) / (count + l2): 40 / (10 + 10) instead of 40 / 10.
    assert plain.value[2] == pytest.approx(4.0)
    assert shrunk.value[2] == pytest.approx(2.0)


def test_max_features_restricts_candidate_features():
    rng = np.random.RandomState(0)
    X = rng.rand(200, 6)
    y = X[:, 0] * 10 + rng.rand(200) * 0.1
    data, _ = _binned(X)
    chosen = set()
    for seed in range(12):
        params = TreeParams(max_depth=1, max_features=1)
        tree = grow_tree(data, -y, np.ones(200), params, np.random.RandomState(seed))
        chosen.add(int(tree.feature[0]))
    # With one random feature per node the root split is not always feature 0.
    assert len(chosen) > 1


def test_binning_uses_quantiles_and_reserves_a_missing_bin():
    rng = np.random.RandomState(0)
    X = rng.randn(5000, 1)
    X[::50] = np.nan
    mapper = BinMapper(max_bins=16).fit(X)
    binned = mapper.transform(X)
    assert binned.dtype == np.uint8
    assert np.all(binned[::50] == mapper.missing_bin_)
    counts = np.bincount(binned[~np.isnan(X[:, 0]), 0])
    # Quantile bins hold (nearly) equal numbers of samples.
    assert counts.size == 16 and counts.min() > 0.8 * counts.mean()


def _three_fake_nodes(seed, uniform, missing):
    """A grower whose 120 samples sit in three nodes, and its parameters."""
    from skdeep.ensemble._hist_tree import _Grower

    rng = np.random.RandomState(seed)
    X = rng.randint(0, 30, size=(120, 5)).astype(float)
    nan_mask = rng.rand(*X.shape) < 0.1
    if missing:
        X[nan_mask] = np.nan
    y = rng.randn(120)
    w = np.ones(120) if uniform else rng.uniform(0.5, 2, 120)
    data, _ = _binned(X)
    params = TreeParams(max_depth=2, min_samples_leaf=3)
    grower = _Grower(data, -w * y, w, params, np.random.RandomState(0))
    grower.sample_node = rng.randint(0, 3, size=120)  # three fake nodes
    grower.nodes.count = 3
    counts = np.bincount(grower.sample_node, minlength=3)
    grower.nodes.n_node_samples[:3] = counts
    grower.nodes.grad_sum[:3] = np.bincount(grower.sample_node, -w * y, minlength=3)
    grower.nodes.weighted_n_node_samples[:3] = np.bincount(
        grower.sample_node, w, minlength=3
    )
    return grower, data, params


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize("missing", [True, False])  # both NaN directions or one
def test_sparse_search_equals_dense_search(seed, uniform, missing):
    from skdeep.ensemble._hist_tree_sparse import sparse_best_splits
    from skdeep.ensemble._hist_tree_split import best_splits

    grower, data, params = _three_fake_nodes(seed, uniform, missing)
    nodes = np.arange(3)
    hist = grower.histograms(nodes)
    totals = grower.nodes.totals(nodes)
    dense = best_splits(
        hist[:, 0], hist[:, 1], hist[:, 2], totals=totals, params=params
    )
    _, index = grower._cell_index(nodes)
    sparse = sparse_best_splits(
        index.ravel(),
        grower.g,
        grower.h,
        grower.h[0] if grower.uniform_hessian else None,
        (3, data.n_features, data.n_bins),
        totals,
        params,
        lambda constant: None,
    )
    for field in ("feature", "bin", "missing_left", "count_left", "next_bin"):
        np.testing.assert_array_equal(getattr(sparse, field), getattr(dense, field))
    # The node's next occupied bin, not merely the next bin.
    occupied = hist[np.arange(3), 2, dense.feature, :-1] > 0
    for i, (low, high) in enumerate(zip(dense.bin, dense.next_bin)):
        later = np.flatnonzero(occupied[i, low + 1 :])
        assert high == (low + 1 + later[0] if later.size else -1)
    for field in ("gain", "grad_left", "hess_left"):
        np.testing.assert_allclose(getattr(sparse, field), getattr(dense, field))


@pytest.mark.parametrize("ccp_alpha", [0.01, 0.05, 0.3])
def test_cost_complexity_pruning_matches_sklearn(ccp_alpha):
    rng = np.random.RandomState(0)
    X = rng.randint(0, 10, size=(300, 3)).astype(float)
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] + rng.randn(300)
    data, mapper = _binned(X)
    params = TreeParams(max_depth=6, ccp_alpha=ccp_alpha)
    tree = grow_tree(data, -y, np.ones(300), params)
    reference = DecisionTreeRegressor(max_depth=6, ccp_alpha=ccp_alpha).fit(X, y)
    assert tree.node_count == reference.tree_.node_count
    assert tree.node_count < grow_tree(data, -y, np.ones(300)).node_count * 10
    pred = tree.predict_binned(data.binned, mapper.missing_bin_)
    np.testing.assert_allclose(pred, reference.predict(X), atol=1e-10)


def test_row_chunking_gives_the_same_tree(monkeypatch):
    import skdeep.ensemble._hist_tree as hist_tree

    rng = np.random.RandomState(0)
    X = rng.rand(500, 4)
    y = X[:, 0] * 3 + np.sin(6 * X[:, 1]) + 0.1 * rng.randn(500)
    w = rng.uniform(0.5, 2.0, 500)
    data, mapper = _binned(X, max_bins=64)
    whole = grow_tree(data, -w * y, w, TreeParams(max_depth=4))
    monkeypatch.setattr(hist_tree, "_ROW_CHUNK_ENTRIES", 40)
    monkeypatch.setattr(hist_tree, "_HISTOGRAM_BUDGET", 64 * 4 * 2)
    chunked = grow_tree(data, -w * y, w, TreeParams(max_depth=4))
    np.testing.assert_array_equal(chunked.feature, whole.feature)
    np.testing.assert_allclose(chunked.value, whole.value)


@pytest.mark.parametrize(
    "max_depth, max_leaf_nodes", [(1, None), (4, None), (None, 30)]
)
def test_routing_tables_send_rows_to_the_same_leaves(
    monkeypatch, max_depth, max_leaf_nodes
):
    # Trees with missing values on both sides and leaves at several depths;
    # the routing tables must match the level-by-level comparisons exactly,
    # also for rows whose bins (missing ones included) training never saw.
    from skdeep.ensemble import _hist_tree_nodes

    rng = np.random.RandomState(3)
    X = rng.normal(size=(600, 5))
    X[rng.rand(600) < 0.1, 1] = np.nan
    X[rng.rand(600) < 0.2, 3] = np.nan
    y = X[:, 0] + np.nan_to_num(X[:, 1], nan=3.0) - np.isnan(X[:, 3]) + rng.randn(600)
    data, mapper = _binned(X, max_bins=40)
    params = TreeParams(max_depth=max_depth, max_leaf_nodes=max_leaf_nodes)
    tree = grow_tree(data, -y, np.ones(600), params)
    if max_depth != 1:
        sides = set(tree.missing_go_left[tree.children_left >= 0].tolist())
        assert sides == {False, True}
    probe = rng.randint(0, mapper.n_bins_, size=(500, 5)).astype(np.uint8)
    for binned in (data.binned, probe):
        expected = tree._apply_by_levels(binned, mapper.missing_bin_)
        np.testing.assert_array_equal(
            tree.apply_binned(binned, mapper.missing_bin_), expected
        )
        monkeypatch.setattr(_hist_tree_nodes, "_ROUTING_MAX_ENTRIES", 0)
        np.testing.assert_array_equal(
            tree.apply_binned(binned, mapper.missing_bin_), expected
        )
        monkeypatch.undo()
