"""Node storage of the histogram tree and its vectorised traversal."""

from __future__ import annotations

import numpy as np

__all__ = [
    "HistTree",
    "NodeStore",
    "child_by_bin",
    "goes_left",
    "routing_tables",
    "walk_routing",
]

#: Largest ``node_count * n_bins`` traversed through routing tables.
_ROUTING_MAX_ENTRIES = 2**18

#: Marker of "no child" / "no feature", as in scikit-learn's trees.
TREE_LEAF = -1
TREE_UNDEFINED = -2

_FIELDS = {
    "children_left": (np.intp, TREE_LEAF),
    "parent": (np.intp, -1),
    "children_right": (np.intp, TREE_LEAF),
    "feature": (np.intp, TREE_UNDEFINED),
    "bin_threshold": (np.intp, 0),
    "threshold": (np.float64, TREE_UNDEFINED),
    "missing_go_left": (bool, False),
    "value": (np.float64, 0.0),
    "n_node_samples": (np.intp, 0),
    "weighted_n_node_samples": (np.float64, 0.0),
    "depth": (np.intp, 0),
    "improvement": (np.float64, 0.0),
    "grad_sum": (np.float64, 0.0),
    "g2h_sum": (np.float64, 0.0),
}


def goes_left(bins, missing_bin, missing_go_left, bin_threshold):
    """The split rule: bins up to the threshold go left, the missing bin
    follows ``missing_go_left`` (all arguments broadcast elementwise)."""
    return np.where(bins == missing_bin, missing_go_left, bins <= bin_threshold)


def routing_tables(nodes, n_bins, missing_bin, dtype=np.intp):
    """One-gather-per-level traversal tables, indexed by ``node * n_bins``.

    ``next_state[node * n_bins + b]`` is ``child * n_bins`` for the child a
    row with bin ``b`` goes to (leaves point at themselves, so rows that reach
    a leaf early stay there), and ``feature[node * n_bins + k]`` is the node's
    split feature for every ``k``.  ``nodes`` has the node arrays of
    :class:`HistTree` (leaves marked by ``TREE_LEAF`` or by being their own
    children).

    Returns
    -------
    next_state, feature : ndarray of shape (n_nodes * n_bins,), dtype ``dtype``
    """
    leaf = nodes.children_left == TREE_LEAF
    child = child_by_bin(nodes, slice(None), n_bins, missing_bin)
    child[leaf] = np.flatnonzero(leaf)[:, None]
    child *= n_bins
    feature = np.where(leaf, 0, nodes.feature)
    return (
        child.ravel().astype(dtype, copy=False),
        np.repeat(feature, n_bins).astype(dtype, copy=False),
    )


def walk_routing(tables, binned, state, depth):
    """Move ``state`` (``node * n_bins``, any shape ending in the rows of
    ``binned``) ``depth`` levels down through :func:`routing_tables`.

    A level is five passes: the split feature, the row's position, its bin,
    and the child (``take`` gathers faster than ``[]`` indexing).
    """
    next_state, feature = tables
    n_rows, n_features = binned.shape
    flat = binned.ravel()
    if n_rows * n_features >= 1 << 31:  # positions beyond int32
        feature = feature.astype(np.intp)
    row_start = np.arange(0, n_rows * n_features, n_features, dtype=feature.dtype)
    for _ in range(depth):
        columns = feature.take(state)
        columns += row_start
        state += flat.take(columns)
        state = next_state.take(state)
    return state


def child_by_bin(nodes, which, n_bins, missing_bin):
    """Child of each node ``nodes.*[which]`` for every bin, shape (k, n_bins).

    Bins up to the node's ``bin_threshold`` go left, the missing bin follows
    ``missing_go_left`` (values for leaves are meaningless).
    """
    go_left = np.arange(n_bins) <= nodes.bin_threshold[which, None]
    go_left[:, missing_bin] = nodes.missing_go_left[which]
    return np.where(
        go_left, nodes.children_left[which, None], nodes.children_right[which, None]
    )


class NodeStore:
    """Growable arrays, one entry per node, filled while a tree grows."""

    def __init__(self, capacity=16):
        self.count = 0
        for name, (dtype, fill) in _FIELDS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))

    # Short aliases used by the grower.
    @property
    def n_samples(self):
        return self.n_node_samples

    @property
    def weight(self):
        return self.weighted_n_node_samples

    def _reserve(self, extra):
        capacity = self.value.size
        if self.count + extra <= capacity:
            return
        new_capacity = max(2 * capacity, self.count + extra)
        for name, (dtype, fill) in _FIELDS.items():
            grown = np.full(new_capacity, fill, dtype=dtype)
            grown[:capacity] = getattr(self, name)
            setattr(self, name, grown)

    def _set_stats(self, ids, grad, hess, count, depth, l2):
        self.grad_sum[ids] = grad
        self.weighted_n_node_samples[ids] = hess
        self.n_node_samples[ids] = count
        self.depth[ids] = depth
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(hess + l2 > 0, -grad / (hess + l2), 0.0)
        self.value[ids] = value

    def add_roots(self, grad, hess, count, g2h, params):
        """The first nodes: one root per tree, with the sums of its rows."""
        n_roots = len(grad)
        self._reserve(n_roots)
        self.count = n_roots
        roots = np.arange(n_roots)
        self._set_stats(roots, grad, hess, count, 0, params.l2_regularization)
        self.g2h_sum[roots] = g2h

    def totals(self, ids):
        """Gradient sum, hessian sum and count of the nodes ``ids``."""
        return (
            self.grad_sum[ids],
            self.weighted_n_node_samples[ids],
            self.n_node_samples[ids].astype(np.float64),
        )

    def sse(self, ids):
        """Weighted squared error of the nodes around their (unpenalised) mean."""
        hess = self.weighted_n_node_samples[ids]
        with np.errstate(divide="ignore", invalid="ignore"):
            fitted = np.where(hess > 0, self.grad_sum[ids] ** 2 / hess, 0.0)
        return self.g2h_sum[ids] - fitted

    def add_children(self, parents, splits, bin_mapper, params):
        """Record the splits of ``parents``; return the new ids (left, right)."""
        k = len(parents)
        self._reserve(2 * k)
        left = self.count + 2 * np.arange(k)
        right = left + 1
        self.count += 2 * k
        feature = np.array([s.feature for s in splits], dtype=np.intp)
        points = [bin_mapper.split_point(s.feature, s.bin, s.next_bin) for s in splits]
        self.feature[parents] = feature
        self.bin_threshold[parents] = [b for b, _ in points]
        self.threshold[parents] = [t for _, t in points]
        self.missing_go_left[parents] = [s.missing_left for s in splits]
        self.improvement[parents] = [s.gain for s in splits]
        self.children_left[parents] = left
        self.children_right[parents] = right
        self.parent[left] = parents
        self.parent[right] = parents
        g_left = np.array([s.grad_left for s in splits])
        h_left = np.array([s.hess_left for s in splits])
        c_left = np.array([s.count_left for s in splits])
        depth = self.depth[parents] + 1
        l2 = params.l2_regularization
        g_par, h_par, c_par = self.totals(parents)
        self._set_stats(left, g_left, h_left, c_left, depth, l2)
        self._set_stats(
            right, g_par - g_left, h_par - h_left, c_par - c_left, depth, l2
        )
        return np.concatenate([left, right])

    def finalize(self):
        """Trimmed, immutable-size :class:`HistTree`."""
        arrays = {name: getattr(self, name)[: self.count].copy() for name in _FIELDS}
        return HistTree(**arrays)


class HistTree:
    """A fitted histogram tree: flat node arrays plus vectorised traversal.

    Node ``0`` is the root; ``children_left[i] == -1`` marks a leaf.  Internal
    node ``i`` sends a row left when its bin for ``feature[i]`` is
    ``<= bin_threshold[i]`` (equivalently its raw value is ``<= threshold[i]``),
    and a missing value left when ``missing_go_left[i]``.  ``value`` holds the
    raw output of every node (leaves are what predictions use).
    """

    def __init__(self, **arrays):
        for name, array in arrays.items():
            setattr(self, name, array)
        self.array_names = tuple(arrays)
        self.node_count = self.value.size
        self.max_depth = int(self.depth.max()) if self.node_count else 0

    @property
    def tree_(self):
        """The tree itself (scikit-learn's estimators keep their nodes in ``tree_``)."""
        return self

    @property
    def n_leaves(self):
        return int(np.count_nonzero(self.children_left == TREE_LEAF))

    def get_depth(self):
        return self.max_depth

    def get_n_leaves(self):
        return self.n_leaves

    def apply_binned(self, binned, missing_bin):
        """Leaf index of every row of ``binned`` (uint8, (n_rows, n_features)).

        Small trees go through a routing table (:meth:`_routing`): a level
        costs five passes over the rows, against about sixteen for the
        comparisons, missing-value tests and child lookups of
        :meth:`_apply_by_levels`, which serves large trees.
        """
        n_bins = missing_bin + 1
        if self.node_count * n_bins > _ROUTING_MAX_ENTRIES:
            return self._apply_by_levels(binned, missing_bin)
        tables = routing_tables(self, n_bins, missing_bin)
        state = np.zeros(binned.shape[0], dtype=np.intp)
        return walk_routing(tables, binned, state, self.max_depth) // n_bins

    def _apply_by_levels(self, binned, missing_bin):
        """:meth:`apply_binned` by explicit comparisons, level by level."""
        n_features = binned.shape[1]
        flat = binned.ravel()

        def go_left(rows, at):
            bins = flat[rows * n_features + self.feature[at]]
            mgl, threshold = self.missing_go_left[at], self.bin_threshold[at]
            return goes_left(bins, missing_bin, mgl, threshold)

        return self._walk_levels(binned.shape[0], go_left)

    def apply_values(self, X):
        """Leaf index of every row of raw ``X`` (n_rows, n_features).

        Compares the values with the real thresholds, level by level (NaN
        follows ``missing_go_left``): what the prediction bins reproduce, for
        data that was binned with no knowledge of these trees.
        """

        def go_left(rows, at):
            values = X[rows, self.feature[at]]
            with np.errstate(invalid="ignore"):
                below = values <= self.threshold[at]
            return np.where(np.isnan(values), self.missing_go_left[at], below)

        return self._walk_levels(X.shape[0], go_left)

    def _walk_levels(self, n_rows, go_left):
        """Move every row down one level per pass; ``go_left(rows, nodes)``
        tells the rows at inner ``nodes`` their direction."""
        node = np.zeros(n_rows, dtype=np.intp)
        rows = np.arange(n_rows)
        for _ in range(self.max_depth):
            at = node[rows]
            inner = self.children_left[at] != TREE_LEAF
            if not inner.all():
                rows, at = rows[inner], at[inner]
            if rows.size == 0:
                break
            node[rows] = np.where(
                go_left(rows, at), self.children_left[at], self.children_right[at]
            )
        return node

    def partial_dependence(self, binned, target_features, missing_bin):
        """Average output with the ``target_features`` fixed, other features averaged.

        Each row of ``binned`` fixes the bins of ``target_features`` (its
        other columns are ignored).  From the root down, a split on a target
        feature sends the row's whole weight to one child; a split on any
        other feature shares it between both children in proportion to their
        training weight (``weighted_n_node_samples``).  The output is the
        weighted sum of the leaf values: the tree's prediction averaged over
        its training rows with the target features set to the row's values,
        in one pass over the tree (Friedman's "recursion" method).

        Parameters
        ----------
        binned : ndarray of shape (n_rows, n_features), dtype uint8
        target_features : ndarray of int
        missing_bin : int

        Returns
        -------
        ndarray of shape (n_rows,)
        """
        weight = np.zeros((binned.shape[0], self.node_count))
        weight[:, 0] = 1.0
        inner = self.children_left != TREE_LEAF
        targeted = inner & np.isin(self.feature, target_features)
        node_weight = self.weighted_n_node_samples
        for depth in range(self.max_depth):
            nodes = np.flatnonzero(inner & (self.depth == depth))
            left, right = self.children_left[nodes], self.children_right[nodes]
            bins = binned[:, np.where(targeted[nodes], self.feature[nodes], 0)]
            mgl, threshold = self.missing_go_left[nodes], self.bin_threshold[nodes]
            go_left = goes_left(bins, missing_bin, mgl, threshold)
            with np.errstate(divide="ignore", invalid="ignore"):
                shares = (
                    np.stack((node_weight[left], node_weight[right]))
                    / node_weight[nodes]
                )
            share_left = np.where(targeted[nodes], go_left, shares[0])
            share_right = np.where(targeted[nodes], ~go_left, shares[1])
            weight[:, left] = weight[:, nodes] * share_left
            weight[:, right] = weight[:, nodes] * share_right
        leaves = np.flatnonzero(~inner)
        return weight[:, leaves] @ self.value[leaves]

    def predict_binned(self, binned, missing_bin):
        """Raw output of every row of ``binned``, shape (n_rows,)."""
        return self.value[self.apply_binned(binned, missing_bin)]

    def feature_importances(self, n_features):
        """Unnormalised impurity decrease per feature, divided by the root weight."""
        inner = self.children_left != TREE_LEAF
        total = np.bincount(
            self.feature[inner], weights=self.improvement[inner], minlength=n_features
        )
        root_weight = self.weighted_n_node_samples[0]
        return total / root_weight if root_weight > 0 else total
