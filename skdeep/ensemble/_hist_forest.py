"""Several histogram trees grown together: one round of array work for all.

A boosting stage of a model with K outputs (K-class classification) grows K
trees on the same rows with the same hessians and different gradients.  Grown
one after another, each tree pays the fixed cost of its rounds, a few dozen
array operations per level, and on small data that cost is most of the fit.
Grown together, as one forest whose K roots own K stacked copies of the rows,
every round serves every tree: K times fewer rounds.  That pays on small
data only (few rows, features and bins), where the rounds' fixed costs
dominate; larger problems keep growing one tree at a time.

The splits are the ones the trees get when grown alone.  Levels are grown
whole, nodes keep their own histograms and statistics, and children are
numbered in the order of their parents, so each tree, cut out of the forest
and renumbered, has the same nodes in the same order.  Settings that couple
a tree's nodes across a round (best-first growth under ``max_leaf_nodes``,
the random feature subsets of ``max_features``) grow one tree at a time.
"""

from __future__ import annotations

import numpy as np

from ._hist_tree import BinnedData, _Grower, grow_tree
from ._hist_tree_nodes import TREE_LEAF, HistTree
from ._hist_tree_prune import prune_tree

__all__ = ["grow_trees"]

#: Joint growth only pays while the arrays of a round stay small: at most
#: this many stacked ``n_trees * n_rows * n_features`` entries and this many
#: ``n_trees * n_features * n_bins`` histogram cells per node level.  Beyond
#: them (measured on 2-core machines) the larger temporaries fall out of the
#: caches and churn the allocator, and growing the trees one by one is faster.
_STACK_BUDGET = 1 << 16
_CELL_BUDGET = 10240


def _grows_together(data, n_trees, params):
    return (
        n_trees > 1
        and params.max_leaf_nodes is None
        and (params.max_features is None or params.max_features >= data.n_features)
        and n_trees * data.n_rows * data.n_features <= _STACK_BUDGET
        and n_trees * data.n_features * data.n_bins <= _CELL_BUDGET
    )


def _stacked(data, n_trees):
    """``data`` repeated ``n_trees`` times (cached on ``data`` across stages)."""
    cache = data.__dict__.setdefault("_stacked", {})
    if n_trees not in cache:
        cache.clear()
        cache[n_trees] = BinnedData(np.tile(data.binned, (n_trees, 1)), data.bin_mapper)
    return cache[n_trees]


def _tree_of_nodes(forest, n_roots):
    """The root (tree index) of every node of ``forest``."""
    tree_of = np.empty(forest.node_count, dtype=np.intp)
    tree_of[:n_roots] = np.arange(n_roots)
    # Parents have smaller ids and depths: one assignment per level.
    for depth in range(1, forest.max_depth + 1):
        ids = np.flatnonzero(forest.depth == depth)
        tree_of[ids] = tree_of[forest.parent[ids]]
    return tree_of


def _cut(forest, ids):
    """The tree made of the nodes ``ids`` of ``forest`` (one root), renumbered."""
    local = np.full(forest.node_count, TREE_LEAF, dtype=np.intp)
    local[ids] = np.arange(ids.size)
    arrays = {name: getattr(forest, name)[ids] for name in forest.array_names}
    for name in ("children_left", "children_right", "parent"):
        links = arrays[name]
        arrays[name] = np.where(links >= 0, local[np.maximum(links, 0)], links)
    return HistTree(**arrays), local


def grow_trees(data, gradients, hessians, params, seeds):
    """Grow one tree per column of ``gradients``, all with ``hessians``.

    Parameters
    ----------
    data : BinnedData
        Binned training rows.
    gradients : ndarray of shape (n_rows, n_trees)
        Per-row first derivatives, one column per tree.
    hessians : ndarray of shape (n_rows,)
        Per-row second derivatives, shared by every tree.
    params : TreeParams
        Stopping rules of every tree.
    seeds : sequence of int
        One seed per tree, for its feature subsets (``max_features``).

    Returns
    -------
    list of (HistTree, ndarray of shape (n_rows,))
        Each tree and the leaf of every training row, as :func:`grow_tree`
        with ``return_leaves=True`` returns them.
    """
    n_rows, n_trees = gradients.shape
    if not _grows_together(data, n_trees, params):
        return [
            grow_tree(data, gradients[:, k], hessians, params, seeds[k], True)
            for k in range(n_trees)
        ]
    grower = _Grower(
        _stacked(data, n_trees),
        gradients.T.ravel(),
        np.tile(hessians, n_trees),
        params,
        seeds[0],
        n_roots=n_trees,
    )
    forest, sample_node = grower.grow()
    tree_of = _tree_of_nodes(forest, n_trees)
    grown = []
    for k in range(n_trees):
        tree, local = _cut(forest, np.flatnonzero(tree_of == k))
        leaves = local[sample_node[k * n_rows : (k + 1) * n_rows]]
        if params.ccp_alpha > 0:
            tree = prune_tree(tree, params.ccp_alpha)
            leaves = tree.apply_binned(data.binned, data.missing_bin)
        grown.append((tree, leaves))
    return grown
