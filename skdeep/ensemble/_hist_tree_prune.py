"""Minimal cost-complexity pruning of a fitted histogram tree (``ccp_alpha``).

With ``R(t)`` the weighted squared error of node ``t`` divided by the root
weight, and ``T_t`` the subtree below ``t``, the *effective alpha* of an
internal node is ``(R(t) - R(T_t)) / (|leaves(T_t)| - 1)``.  Weakest-link
pruning repeatedly collapses the internal node(s) with the smallest effective
alpha while it does not exceed ``ccp_alpha`` (Breiman et al., CART, ch. 3),
as scikit-learn's trees do.  Each step is vectorised over the nodes; the
loops run over pruning steps and tree levels only.
"""

from __future__ import annotations

import numpy as np

from ._hist_tree_nodes import TREE_LEAF, HistTree

__all__ = ["prune_tree"]


def _node_risk(tree):
    weight = tree.weighted_n_node_samples
    with np.errstate(divide="ignore", invalid="ignore"):
        fitted = np.where(weight > 0, tree.grad_sum**2 / weight, 0.0)
    sse = np.maximum(tree.g2h_sum - fitted, 0.0)
    return sse / weight[0] if weight[0] > 0 else sse


def _subtree_sums(tree, is_leaf, active, risk):
    """Risk and leaf count of every active subtree, bottom-up by depth."""
    leaf_risk = np.where(is_leaf & active, risk, 0.0)
    leaf_count = (is_leaf & active).astype(np.float64)
    for depth in range(tree.max_depth, 0, -1):
        at = np.flatnonzero(active & (tree.depth == depth))
        np.add.at(leaf_risk, tree.parent[at], leaf_risk[at])
        np.add.at(leaf_count, tree.parent[at], leaf_count[at])
    return leaf_risk, leaf_count


def _descendants_inactive(tree, active, collapsed):
    """Deactivate every node below the newly ``collapsed`` ones."""
    removed = np.zeros(tree.node_count, dtype=bool)
    removed[collapsed] = True
    for depth in range(1, tree.max_depth + 1):
        at = np.flatnonzero(tree.depth == depth)
        below = removed[tree.parent[at]]
        removed[at[below]] = True
    removed[collapsed] = False
    return active & ~removed


def prune_tree(tree, ccp_alpha):
    """Return ``tree`` pruned with complexity parameter ``ccp_alpha`` (>= 0)."""
    if ccp_alpha <= 0 or tree.node_count == 1:
        return tree
    risk = _node_risk(tree)
    is_leaf = tree.children_left == TREE_LEAF
    active = np.ones(tree.node_count, dtype=bool)
    while True:
        subtree_risk, subtree_leaves = _subtree_sums(tree, is_leaf, active, risk)
        internal = active & ~is_leaf
        if not internal.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = (risk - subtree_risk) / (subtree_leaves - 1)
        alpha = np.where(internal, alpha, np.inf)
        weakest = alpha.min()
        if weakest > ccp_alpha:
            break
        collapsed = np.flatnonzero(internal & (alpha <= weakest))
        is_leaf = is_leaf.copy()
        is_leaf[collapsed] = True
        active = _descendants_inactive(tree, active, collapsed)
    return _compact(tree, active, is_leaf)


def _compact(tree, keep, is_leaf):
    """Copy of ``tree`` restricted to the ``keep`` nodes, ids renumbered."""
    new_id = np.cumsum(keep) - 1
    arrays = {}
    for name in tree.array_names:
        arrays[name] = getattr(tree, name)[keep].copy()
    leaf = is_leaf[keep]
    for side in ("children_left", "children_right"):
        children = arrays[side]
        arrays[side] = np.where(leaf, TREE_LEAF, new_id[np.maximum(children, 0)])
    arrays["feature"] = np.where(leaf, -2, arrays["feature"])
    arrays["threshold"] = np.where(leaf, -2.0, arrays["threshold"])
    arrays["improvement"] = np.where(leaf, 0.0, arrays["improvement"])
    arrays["parent"] = np.where(arrays["parent"] >= 0, new_id[arrays["parent"]], -1)
    return HistTree(**arrays)
