"""Tests of growing several histogram trees together (one round for all)."""

import numpy as np
import pytest

from skdeep.ensemble import _hist_forest
from skdeep.ensemble._hist_binning import BinMapper
from skdeep.ensemble._hist_forest import grow_trees
from skdeep.ensemble._hist_tree import BinnedData, TreeParams, grow_tree

_STRUCTURE = ("children_left", "children_right", "parent", "feature", "depth")
_NUMBERS = ("threshold", "value", "weighted_n_node_samples", "improvement")


def _problem(seed, n_rows=150, n_features=5, n_trees=4, missing=True):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_rows, n_features))
    if missing:
        X[rng.rand(*X.shape) < 0.1] = np.nan
    # Gradients of different trees depend on different features, so the
    # trees differ in shape and depth.
    coef = rng.normal(size=(n_features, n_trees)) * (
        rng.rand(n_features, n_trees) < 0.6
    )
    gradients = np.nan_to_num(X) @ coef + 0.3 * rng.normal(size=(n_rows, n_trees))
    hessians = rng.uniform(0.5, 2.0, size=n_rows)
    mapper = BinMapper(max_bins=32).fit(X)
    return BinnedData(mapper.transform(X), mapper), gradients, hessians


def _assert_same_tree(joint, alone):
    (tree, leaves), (tree_alone, leaves_alone) = joint, alone
    assert tree.node_count == tree_alone.node_count
    for name in _STRUCTURE:
        np.testing.assert_array_equal(getattr(tree, name), getattr(tree_alone, name))
    for name in _NUMBERS:
        np.testing.assert_allclose(
            getattr(tree, name), getattr(tree_alone, name), rtol=1e-9, atol=1e-12
        )
    np.testing.assert_array_equal(leaves, leaves_alone)


@pytest.mark.parametrize("seed, n_trees", [(0, 4), (1, 3), (2, 2)])
@pytest.mark.parametrize(
    "params",
    [
        TreeParams(),
        TreeParams(max_depth=6, min_samples_leaf=4),
        TreeParams(max_depth=None, min_samples_split=10, l2_regularization=1.0),
        TreeParams(max_depth=4, min_impurity_decrease=0.02),
        TreeParams(max_depth=5, min_weight_fraction_leaf=0.05),
        TreeParams(max_depth=5, ccp_alpha=0.05),
    ],
)
def test_trees_grown_together_equal_trees_grown_alone(seed, n_trees, params):
    data, gradients, hessians = _problem(seed, n_trees=n_trees)
    seeds = list(range(gradients.shape[1]))
    joint = grow_trees(data, gradients, hessians, params, seeds)
    assert _hist_forest._grows_together(data, gradients.shape[1], params)
    for k, grown in enumerate(joint):
        alone = grow_tree(data, gradients[:, k], hessians, params, seeds[k], True)
        _assert_same_tree(grown, alone)
        tree, leaves = grown
        # The reported leaves are where the tree sends the training rows.
        np.testing.assert_array_equal(
            leaves, tree.apply_binned(data.binned, data.missing_bin)
        )
    # The trees really differ (the test would not see a mix-up otherwise).
    assert len({tuple(tree.feature) for tree, _ in joint}) > 1


def test_a_tree_that_cannot_split_stays_a_leaf_beside_growing_ones():
    data, gradients, hessians = _problem(0, missing=False)
    # g / h constant: every row has the same target, no split gains anything.
    gradients[:, 1] = 0.5 * hessians
    joint = grow_trees(data, gradients, hessians, TreeParams(), [0, 1, 2, 3])
    assert joint[1][0].node_count == 1
    np.testing.assert_array_equal(joint[1][1], 0)
    assert all(tree.node_count > 1 for tree, _ in joint[:1] + joint[2:])


@pytest.mark.parametrize(
    "params", [TreeParams(max_leaf_nodes=5), TreeParams(max_features=2)]
)
def test_settings_coupling_a_round_grow_each_tree_alone(params):
    # Best-first growth and per-round feature draws are per tree: same trees,
    # same random streams as one tree at a time, bit for bit.
    data, gradients, hessians = _problem(1)
    seeds = [3, 4, 5, 6]
    assert not _hist_forest._grows_together(data, 4, params)
    joint = grow_trees(data, gradients, hessians, params, seeds)
    for k, (tree, leaves) in enumerate(joint):
        alone, alone_leaves = grow_tree(
            data, gradients[:, k], hessians, params, seeds[k], True
        )
        for name in _STRUCTURE + _NUMBERS:
            np.testing.assert_array_equal(getattr(tree, name), getattr(alone, name))
        np.testing.assert_array_equal(leaves, alone_leaves)


def test_large_problems_and_single_trees_grow_alone(monkeypatch):
    data, gradients, hessians = _problem(2)
    assert not _hist_forest._grows_together(data, 1, TreeParams())
    assert _hist_forest._grows_together(data, 4, TreeParams())
    cells = 4 * data.n_features * data.n_bins
    monkeypatch.setattr(_hist_forest, "_CELL_BUDGET", cells - 1)
    assert not _hist_forest._grows_together(data, 4, TreeParams())
    monkeypatch.setattr(_hist_forest, "_CELL_BUDGET", cells)
    monkeypatch.setattr(_hist_forest, "_STACK_BUDGET", data.n_rows * data.n_features)
    assert not _hist_forest._grows_together(data, 4, TreeParams())
    (tree, leaves), *_ = grow_trees(data, gradients, hessians, TreeParams(), [0] * 4)
    alone = grow_tree(data, gradients[:, 0], hessians, TreeParams(), 0, True)
    for name in _STRUCTURE + _NUMBERS:
        np.testing.assert_array_equal(getattr(tree, name), getattr(alone[0], name))
