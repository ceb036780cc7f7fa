"""A vectorised histogram regression tree (the weak learner of gradient boosting).

The tree is grown on pre-binned features (see :mod:`._hist_binning`) from
per-sample gradients ``g`` and hessians ``h``: a node's value is
``-G / (H + l2)`` and a split's gain is

    G_L**2 / (H_L + l2) + G_R**2 / (H_R + l2) - G**2 / (H + l2),

with ``G``/``H`` the sums over the node.  For ``g = -w * r`` and ``h = w`` this
is the weighted least-squares regression tree on the target ``r`` (the gain is
the decrease of the weighted sum of squared errors), which is what gradient
boosting fits to the negative gradient.

All the work of one growing round is done with a few ``np.bincount`` calls:
the histograms of every node being split and every feature come from a single
bincount over the flattened index ``node * F * B + feature * B + bin``; the
gains of every threshold are cumulative sums along the bin axis.  Rounds are
tree levels (level-wise growth) or, when ``max_leaf_nodes`` is set, the single
best leaf of the frontier (best-first growth, as scikit-learn's trees do).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ._hist_binning import BinnedData as BinnedData
from ._hist_rare import RareEntries, rare_histograms
from ._hist_tree_member import HistTreeMember as HistTreeMember
from ._hist_tree_nodes import HistTree, NodeStore, child_by_bin
from ._hist_tree_prune import prune_tree
from ._hist_tree_sparse import sparse_best_splits
from ._hist_tree_split import SplitResult, best_splits

__all__ = ["HistTree", "TreeParams", "grow_tree"]

#: Upper bound on ``nodes * features * bins`` for one histogram (memory cap).
_HISTOGRAM_BUDGET = 1 << 21
#: (row, feature) entries per histogram chunk (bounds the temporaries).
_ROW_CHUNK_ENTRIES = 1 << 21


@dataclass
class TreeParams:
    """Stopping and regularisation settings of one tree.

    As in scikit-learn, ``min_weight_fraction_leaf`` and
    ``min_impurity_decrease`` are relative to the total hessian (weight) of
    the rows the tree is grown on: a split must decrease the weighted squared
    error by at least ``min_impurity_decrease`` times that total.
    ``min_weight_leaf`` is an absolute floor; ``max_depth=None`` and
    ``max_leaf_nodes=None`` mean unlimited.
    """

    max_depth: int | None = 3
    max_leaf_nodes: int | None = None
    min_samples_split: int = 2
    min_samples_leaf: int = 1
    min_weight_leaf: float = 0.0
    min_weight_fraction_leaf: float = 0.0
    min_impurity_decrease: float = 0.0
    l2_regularization: float = 0.0
    max_features: int | None = None
    ccp_alpha: float = 0.0


class _Grower:
    """State of one tree while it grows (sample-to-node map and node store).

    With ``n_roots > 1`` it grows that many trees at once (see
    :mod:`._hist_forest`): ``data`` holds their rows one tree after another,
    each tree over an equal share of them with the same hessians, and nodes
    ``0 .. n_roots - 1`` are their roots.
    """

    def __init__(self, data, gradients, hessians, params, rng, n_roots=1):
        self.data = data
        self.n_roots = n_roots
        self.g = np.ascontiguousarray(gradients, dtype=np.float64)
        self.h = np.ascontiguousarray(hessians, dtype=np.float64)
        # Every tree's root weighs what the first one does (shared hessians).
        root_weight = float(self.h[: data.n_rows // n_roots].sum())
        fraction_floor = params.min_weight_fraction_leaf * root_weight
        self.params = replace(
            params, min_weight_leaf=max(params.min_weight_leaf, fraction_floor)
        )
        self.min_gain = params.min_impurity_decrease * root_weight
        self.rng = rng
        first = self.h[0] if self.h.size else 0.0
        self.uniform_hessian = bool(np.all(self.h == first)) and first > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            self.g2_over_h = np.where(self.h > 0, self.g**2 / self.h, 0.0)
        self.sample_node = np.repeat(np.arange(n_roots), data.n_rows // n_roots)
        self.nodes = NodeStore()
        grad, hess, g2h = (
            np.array([part.sum() for part in np.split(a, n_roots)])
            for a in (self.g, self.h, self.g2_over_h)
        )
        counts = np.full(n_roots, data.n_rows // n_roots)
        self.nodes.add_roots(grad, hess, counts, g2h, params)
        self.split_info = {}
        self.parent_hists = {}

    # -- histogram and split search ------------------------------------------
    def _round_rows(self, node_ids):
        """Rows of ``node_ids`` (None: all rows) and their local node index."""
        if self.nodes.count == 1:  # the root of a single tree
            return None, None
        local = np.full(self.nodes.count, -1, dtype=np.intp)
        local[node_ids] = np.arange(len(node_ids))
        row_local = local[self.sample_node]
        rows = np.flatnonzero(row_local >= 0)
        return rows, row_local[rows]

    def _cell_index(self, node_ids, rows=None, row_local=None):
        """Flat histogram cell ``local * F * B + feature * B + bin`` of every
        (row, feature) entry, shape (n_rows, F); ``rows=None`` means all."""
        data = self.data
        if rows is None:
            rows, row_local = self._round_rows(node_ids)
        if rows is None:
            return None, data.base.astype(np.intp)
        index = data.base[rows].astype(np.intp)
        index += (row_local * (data.n_features * data.n_bins))[:, None]
        return rows, index

    def histograms(self, node_ids):
        """Gradient, hessian and count histograms, shape (k, 3, F, B).

        Rows are processed in chunks so that temporaries stay bounded on
        large data; one chunk covers typical data sets.
        """
        data = self.data
        k, n_features = len(node_ids), data.n_features
        size = k * n_features * data.n_bins
        rows, row_local = self._round_rows(node_ids)
        rare = RareEntries.maybe(data) if self.n_roots == 1 else None
        if rare is not None:  # sparse-like data: the rare entries suffice
            return rare_histograms(
                rare, self.g, self.h, rows, row_local, self.nodes.totals(node_ids),
                (k, n_features, data.n_bins),
                self.h[0] if self.uniform_hessian else None,
            )  # fmt: skip
        n_rows = data.n_rows if rows is None else rows.size
        step = max(1, max(_ROW_CHUNK_ENTRIES, 4 * size) // n_features)
        hist = np.zeros((3, size))
        # The root's counts are the same for every tree grown on ``data``.
        counted = rows is None and self.n_roots == 1
        if counted:
            hist[2] = data.bin_counts
        for start in range(0, n_rows, step):
            chunk = slice(start, start + step)
            if rows is None:  # the root: contiguous slices, no gather
                index, picked = data.base[chunk].astype(np.intp), chunk
            else:
                _, index = self._cell_index(node_ids, rows[chunk], row_local[chunk])
                picked = rows[chunk]
            self._accumulate(hist, index, self.g[picked], self.h[picked], size, counted)
        if self.uniform_hessian:
            np.multiply(hist[2], self.h[0], out=hist[1])
        return hist.reshape(3, k, n_features, data.n_bins).transpose(1, 0, 2, 3)

    def _accumulate(self, hist, index, g, h, size, counted=False):
        flat = index.ravel()
        # One weight per (row, feature) entry: a broadcast copy is much
        # cheaper than np.repeat.
        weights = np.empty(index.shape)
        weights[...] = g[:, None]
        hist[0] += np.bincount(flat, weights=weights.ravel(), minlength=size)
        if not counted:
            hist[2] += np.bincount(flat, minlength=size)
        if not self.uniform_hessian:
            weights[...] = h[:, None]
            hist[1] += np.bincount(flat, weights=weights.ravel(), minlength=size)

    def _subtraction_plan(self, node_ids):
        """Split ``node_ids`` into nodes whose histograms are computed and
        (node, parent, sibling) triples derived as parent minus sibling,
        the sibling being the smaller child (half the bincount work)."""
        nodes, pending = self.nodes, set(int(i) for i in node_ids)
        direct, derived, done = [], [], set()
        for node in map(int, node_ids):
            if node in done:
                continue
            parent = int(nodes.parent[node])
            # Children are numbered in (left, right) pairs after the roots.
            is_left = (node - self.n_roots) % 2 == 0
            sibling = node + 1 if is_left else node - 1
            # (A root's parent, -1, never has a histogram.)
            if parent in self.parent_hists and sibling in pending:
                small, large = sorted(
                    (node, sibling), key=lambda i: nodes.n_node_samples[i]
                )
                direct.append(small)
                derived.append((large, parent, small))
                done.update((node, sibling))
            else:
                direct.append(node)
                done.add(node)
        return direct, derived

    def _round_histograms(self, node_ids):
        position = {int(node): i for i, node in enumerate(node_ids)}
        direct, derived = self._subtraction_plan(node_ids)
        hist = np.empty((len(node_ids), 3, self.data.n_features, self.data.n_bins))
        hist[[position[i] for i in direct]] = self.histograms(np.array(direct))
        for node, parent, sibling in derived:
            hist[position[node]] = self.parent_hists[parent] - hist[position[sibling]]
        for node in node_ids:
            self.parent_hists.pop(int(self.nodes.parent[node]), None)
        return hist

    def _sparse_evaluate(self, node_ids):
        rows, index = self._cell_index(node_ids)
        found = sparse_best_splits(
            index.ravel(),
            self.g if rows is None else self.g[rows],
            self.h if rows is None else self.h[rows],
            self.h[0] if self.uniform_hessian else None,
            (len(node_ids), self.data.n_features, self.data.n_bins),
            self.nodes.totals(node_ids),
            self.params,
            self._feature_mask,
        )
        self._keep_valid(node_ids, found)

    def evaluate(self, node_ids):
        """Find the best split of each node in ``node_ids``."""
        per_node = self.data.n_features * self.data.n_bins
        chunk = max(1, _HISTOGRAM_BUDGET // per_node)
        n_rows = self.nodes.n_node_samples[node_ids].sum()
        if len(node_ids) * self.data.n_bins > 2 * n_rows:
            # Mostly empty dense histograms: search the occupied cells only.
            self.parent_hists.clear()
            self._sparse_evaluate(node_ids)
            return
        if len(node_ids) > chunk:
            # Too many nodes to keep histograms: chunks, no subtraction.
            self.parent_hists.clear()
            for start in range(0, len(node_ids), chunk):
                ids = node_ids[start : start + chunk]
                self._search(ids, self.histograms(ids))
            return
        hist = self._round_histograms(node_ids)
        self._search(node_ids, hist)
        if (len(self.parent_hists) + len(node_ids)) * per_node <= 4 * _HISTOGRAM_BUDGET:
            for i, node in enumerate(map(int, node_ids)):
                if node in self.split_info:
                    self.parent_hists[node] = hist[i]

    def _search(self, ids, hist):
        found = best_splits(
            hist[:, 0],
            hist[:, 1],
            hist[:, 2],
            totals=self.nodes.totals(ids),
            params=self.params,
            feature_mask=self._feature_mask(hist[:, 2]),
        )
        self._keep_valid(ids, found)

    def _feature_mask(self, occupancy):
        """Features each node may split on (``max_features`` sampling).

        ``occupancy`` is either the count histograms (k, n_features, n_bins)
        or a (k, n_features) flag of features with a single occupied bin in
        the node: as in scikit-learn such constant features do not use up
        the budget.
        """
        max_features = self.params.max_features
        k, n_features = occupancy.shape[:2]
        if max_features is None or max_features >= n_features:
            return None
        constant = occupancy
        if occupancy.ndim == 3:
            constant = np.count_nonzero(occupancy, axis=2) <= 1
        if not isinstance(self.rng, np.random.RandomState):
            # Seeded on first use: building a RandomState costs ~0.1 ms, a
            # large share of a small tree that never samples features.
            self.rng = np.random.RandomState(self.rng)
        priority = self.rng.random_sample((k, n_features)) + constant
        rank = np.argsort(np.argsort(priority, axis=1), axis=1)
        return rank < max_features

    def _keep_valid(self, ids, found: SplitResult):
        min_gain = self.min_gain
        ok = np.isfinite(found.gain) & (found.gain + 1e-12 >= min_gain)
        for i in np.flatnonzero(ok):
            self.split_info[int(ids[i])] = found.row(i)

    # -- growing -------------------------------------------------------------
    def splittable(self, node_ids):
        """Subset of new nodes that the stopping rules allow to be split."""
        nodes, p = self.nodes, self.params
        node_ids = np.asarray(node_ids, dtype=np.intp)
        n = nodes.n_samples[node_ids]
        ok = (n >= p.min_samples_split) & (n >= 2 * p.min_samples_leaf)
        ok &= nodes.weight[node_ids] >= 2 * p.min_weight_leaf
        if p.max_depth is not None:
            ok &= nodes.depth[node_ids] < p.max_depth
        # A node whose targets are all equal cannot be improved (scikit-learn
        # compares the variance with machine epsilon; we also allow for the
        # cancellation error of the sum-of-squares formula).
        weight = np.maximum(nodes.weight[node_ids], 1e-300)
        variance = nodes.sse(node_ids) / weight
        mean_square = nodes.g2h_sum[node_ids] / weight
        ok &= variance > 1e-13 * mean_square + np.finfo(np.float64).eps
        return node_ids[ok]

    def split(self, parents):
        """Split ``parents`` with their stored best splits; return the children."""
        nodes, data = self.nodes, self.data
        infos = [self.split_info.pop(int(p)) for p in parents]
        children = nodes.add_children(parents, infos, data.bin_mapper, self.params)
        # Each parent's child for every bin: one lookup moves a row down.
        n_bins = data.n_bins
        child = child_by_bin(nodes, parents, n_bins, data.missing_bin).ravel()
        local = np.full(nodes.count, -1, dtype=np.intp)
        local[parents] = np.arange(len(parents))
        row_local = local[self.sample_node]
        if row_local.min() >= 0:  # every row moves (full levels): no gathers
            rows = slice(None)
            starts = np.arange(0, data.n_rows * data.n_features, data.n_features)
        else:
            rows = np.flatnonzero(row_local >= 0)
            row_local, starts = row_local[rows], rows * data.n_features
        starts += nodes.feature[parents][row_local]
        bins = data.binned.ravel()[starts]
        row_local *= n_bins
        row_local += bins
        self.sample_node[rows] = child[row_local]
        g2h = np.bincount(
            self.sample_node[rows], weights=self.g2_over_h[rows], minlength=nodes.count
        )
        nodes.g2h_sum[children] = g2h[children]
        return children

    def grow(self):
        best_first = self.params.max_leaf_nodes is not None
        pending = self.splittable(np.arange(self.n_roots))
        n_leaves = 1
        while True:
            if len(pending):
                self.evaluate(pending)
            if not self.split_info:
                break
            if best_first:
                if n_leaves >= self.params.max_leaf_nodes:
                    break
                open_ids = list(self.split_info)
                gains = [self.split_info[i].gain for i in open_ids]
                parents = np.array([open_ids[int(np.argmax(gains))]], dtype=np.intp)
            else:
                parents = np.array(sorted(self.split_info), dtype=np.intp)
            children = self.split(parents)
            n_leaves += len(parents)
            pending = self.splittable(children)
        return self.nodes.finalize(), self.sample_node


def grow_tree(data, gradients, hessians, params=None, rng=None, return_leaves=False):
    """Grow one histogram tree.

    Parameters
    ----------
    data : BinnedData
        Binned training rows.
    gradients, hessians : ndarray of shape (n_rows,)
        Per-row first and second derivatives of the loss (for a weighted
        least-squares fit of ``r`` use ``-w * r`` and ``w``).
    params : TreeParams, default=None
        Stopping rules; default ``TreeParams()`` (depth 3).
    rng : numpy.random.RandomState or int, default=None
        Draws the feature subsets when ``params.max_features`` is set; an
        int seeds a RandomState when the first subset is drawn (None: 0).

    return_leaves : bool, default=False
        Also return the leaf of every training row.

    Returns
    -------
    tree : HistTree
    leaves : ndarray of shape (n_rows,)
        Only with ``return_leaves``.
    """
    params = TreeParams() if params is None else params
    rng = 0 if rng is None else rng
    tree, leaves = _Grower(data, gradients, hessians, params, rng).grow()
    if params.ccp_alpha > 0:
        tree = prune_tree(tree, params.ccp_alpha)
        leaves = tree.apply_binned(data.binned, data.missing_bin)
    return (tree, leaves) if return_leaves else tree
