"""All the trees of an ensemble traversed at once.

Per-tree traversal pays a fixed cost per tree (a few array operations per
level) that dominates when a handful of rows are predicted: 150 depth-3 trees
took 4.7 ms for one row, ten times scikit-learn's compiled loop.  Here the
node arrays of every tree are laid end to end and one pass per level moves
the rows of all trees together, so the cost follows the depth, not the number
of trees.

Small forests also get one routing table for all their trees (as
:meth:`HistTree.apply_binned` has per tree): a level is then five passes over
the (tree, row) pairs, a gather of the split feature, its bin, and one
lookup of the child by ``(node, bin)``.  Estimators build the forest once per
fit (:meth:`FlatForest.matches` checks it still holds their trees), so a
prediction pays neither the concatenation nor the table.
"""

from __future__ import annotations

import numpy as np

from ._hist_tree_nodes import TREE_LEAF, goes_left, routing_tables, walk_routing

__all__ = ["FLAT_MAX_PAIRS", "FOREST_MAX_NODES", "FlatForest"]

#: Up to this many (tree, row) pairs a batch goes through :class:`FlatForest`
#: without a routing table; larger batches amortise the per-tree routing
#: tables better (measured crossover: 90 000-150 000 pairs for depth 3-8).
FLAT_MAX_PAIRS = 1 << 17

#: Largest forest an estimator keeps after fitting (its node arrays copy the
#: trees'; about 40 MB at this size).  Larger forests predict tree by tree.
FOREST_MAX_NODES = 1 << 20

#: Largest routing table (``n_nodes * n_bins`` entries; two int32 tables of
#: that size, 16 MB at most).
ROUTING_MAX_ENTRIES = 1 << 21

#: A threshold above every bin: leaves never send a row right.
_NEVER_RIGHT = 1 << 10

#: (tree, row) pairs per chunk of a routed traversal (cache-sized arrays).
_CHUNK_PAIRS = 1 << 16

#: The node arrays a traversal reads.
_NODE_FIELDS = (
    "children_left",
    "children_right",
    "feature",
    "bin_threshold",
    "missing_go_left",
    "value",
)


class FlatForest:
    """The node arrays of ``trees`` (:class:`HistTree`) laid end to end.

    Children are global node indices; a leaf is its own child on both sides,
    so rows that reach a leaf early stay there while deeper trees go on.

    Parameters
    ----------
    trees : list of HistTree
    n_bins : int, default=None
        Bins of the data the forest will see (missing bin included).  When
        given and the table is small enough, a routing table is built and
        any batch size can go through the forest (:meth:`routed`).
    """

    def __init__(self, trees, n_bins=None):
        self.trees = list(trees)
        counts = np.array([tree.node_count for tree in self.trees], dtype=np.intp)
        self.roots = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
        offsets = np.repeat(self.roots, counts)
        joined = {
            name: np.concatenate([getattr(tree, name) for tree in self.trees])
            for name in _NODE_FIELDS
        }
        leaf = joined["children_left"] == TREE_LEAF
        itself = np.arange(offsets.size)
        self.children_left = np.where(leaf, itself, joined["children_left"] + offsets)
        self.children_right = np.where(leaf, itself, joined["children_right"] + offsets)
        self.feature = np.where(leaf, 0, joined["feature"])
        self.bin_threshold = joined["bin_threshold"]
        self.missing_go_left = joined["missing_go_left"]
        self.value = joined["value"]
        self.max_depth = max((tree.max_depth for tree in self.trees), default=0)
        self.n_bins = n_bins
        self._build_routing()
        self._build_comparisons()

    def __getstate__(self):
        state = self.__dict__.copy()
        for derived in ("_routing", "_comparisons"):  # rebuilt on loading
            state.pop(derived, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._build_routing()
        self._build_comparisons()

    def _build_routing(self):
        n_bins, n_nodes = self.n_bins, self.value.shape[0]
        self._routing = None
        if n_bins is None or n_nodes * n_bins > ROUTING_MAX_ENTRIES:
            return
        # int32 halves the tables (gathers are as fast as with int64).
        self._routing = routing_tables(self, n_bins, n_bins - 1, np.int32)

    def _build_comparisons(self):
        """Per-node arrays of the table-free pass (:meth:`_compared_leaves`).

        It needs the right child right after the left one (how the trees
        store their nodes); otherwise the generic comparisons serve.
        """
        inner = self.children_left != np.arange(self.value.shape[0])
        left, right = self.children_left[inner], self.children_right[inner]
        self._comparisons = None
        if not np.array_equal(right, left + 1):
            return
        # Column 2f of the doubled bins is feature f's bin, column 2f + 1
        # that bin plus one with the missing bin moved to 0: a node whose
        # missing values go left reads the latter against threshold + 1.
        shifted = self.missing_go_left & inner
        column = (2 * self.feature + shifted).astype(np.intp)
        threshold = np.where(inner, self.bin_threshold + shifted, _NEVER_RIGHT)
        self._comparisons = (column, threshold.astype(np.int16), self.children_left)

    def matches(self, trees, n_bins):
        """Whether this forest holds exactly ``trees`` for ``n_bins`` bins."""
        return (
            self.n_bins == n_bins
            and len(trees) == len(self.trees)
            and all(a is b for a, b in zip(trees, self.trees))
        )

    def leaves(self, binned, missing_bin):
        """Global leaf index of every row in every tree, shape (n_trees, n_rows)."""
        if self._routing is not None and missing_bin == self.n_bins - 1:
            return self._routed_leaves(binned)
        if self._comparisons is not None:
            return self._compared_leaves(binned, missing_bin)
        n_rows = binned.shape[0]
        node = np.repeat(self.roots[:, None], n_rows, axis=1)
        rows = np.arange(n_rows)
        for _ in range(self.max_depth):
            bins = binned[rows, self.feature[node]]
            go_left = goes_left(
                bins, missing_bin, self.missing_go_left[node], self.bin_threshold[node]
            )
            left, right = self.children_left[node], self.children_right[node]
            node = np.where(go_left, left, right)
        return node

    def chunk_rows(self):
        """Rows per chunk: about ``_CHUNK_PAIRS`` (tree, row) pairs."""
        return max(_CHUNK_PAIRS // max(self.roots.shape[0], 1), 1)

    def _routed_leaves(self, binned):
        """:meth:`leaves` through the routing table."""
        start = self.roots[:, None] * self.n_bins
        state = np.repeat(start, binned.shape[0], axis=1).astype(np.int32)
        state = walk_routing(self._routing, binned, state, self.max_depth)
        state //= self.n_bins
        return state

    def _compared_leaves(self, binned, missing_bin):
        """:meth:`leaves` without tables: the next node is the left child plus
        one when the row's bin exceeds the node's threshold."""
        column, threshold, left = self._comparisons
        n_rows, n_features = binned.shape
        doubled = np.empty((n_rows, n_features, 2), dtype=np.uint16)
        doubled[:, :, 0] = binned
        shifted = doubled[:, :, 1]
        np.add(binned, 1, out=shifted)
        shifted[binned == missing_bin] = 0
        flat = doubled.ravel()
        stride = 2 * n_features
        row_start = np.arange(0, n_rows * stride, stride, dtype=np.intp)
        node = np.repeat(self.roots[:, None], n_rows, axis=1)
        for _ in range(self.max_depth):
            columns = column.take(node)
            columns += row_start
            goes_right = flat.take(columns) > threshold.take(node)
            node = left.take(node)
            node += goes_right
        return node

    @property
    def compared(self):
        """Whether the table-free pass serves (any batch size is then cheap)."""
        return self._comparisons is not None

    def values(self, binned, missing_bin):
        """Output of every tree for every row, shape (n_trees, n_rows)."""
        return self.value.take(self.leaves(binned, missing_bin))

    @property
    def routed(self):
        """Whether the routing table exists (any batch size is then cheap)."""
        return self._routing is not None
