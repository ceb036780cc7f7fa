"""Bin edges for prediction: binned traversal that compares raw thresholds.

The trees grow on the training bins, but a split over a gap of empty bins
has a real threshold between two bin edges (the midpoint of the neighbouring
values, as in an exact decision tree).  Values of new data that fall between
that threshold and the nearby edges would be routed by their bin, not by the
threshold.  So after fitting, the data to predict is binned against the
thresholds the trees actually use, and every node's bin threshold is
re-indexed into those edges: ``x <= threshold`` exactly when the bin of ``x``
is at most the node's bin threshold, for every value.
"""

from __future__ import annotations

import numpy as np

from ._hist_binning import MAX_BINS, BinMapper
from ._hist_tree_nodes import TREE_LEAF

__all__ = ["rebin_for_prediction"]


def rebin_for_prediction(trees, train_mapper):
    """Re-index the trees' bin thresholds for prediction; return the mapper.

    Parameters
    ----------
    trees : list of HistTree
        Every tree of the model (their ``bin_threshold`` is overwritten; the
        real ``threshold`` is kept, unless a feature uses more distinct
        thresholds than a uint8 bin index can tell apart: then that feature's
        thresholds move to the training bin edges that route the training
        values alike, see :meth:`BinMapper.snapped`).
    train_mapper : BinMapper
        The mapper the trees were grown with.

    Returns
    -------
    BinMapper
        Bins new data against the thresholds in use (infinite thresholds,
        "every value goes left", need no edge).
    """
    inner = [np.flatnonzero(tree.children_left != TREE_LEAF) for tree in trees]
    features = np.concatenate(
        [np.empty(0, np.intp)] + [t.feature[i] for t, i in zip(trees, inner)]
    )
    thresholds = np.concatenate(
        [np.empty(0)] + [t.threshold[i] for t, i in zip(trees, inner)]
    )
    order = np.argsort(features, kind="stable")
    n_features = len(train_mapper.bin_thresholds_)
    bounds = np.searchsorted(features[order], np.arange(n_features + 1))
    bins = np.empty(order.size, dtype=np.intp)
    edges = []
    for feature in range(n_features):
        nodes = order[bounds[feature] : bounds[feature + 1]]
        used = _finite_unique(thresholds[nodes])
        if used.size > MAX_BINS - 1:
            thresholds[nodes] = train_mapper.snapped(feature, thresholds[nodes])
            used = _finite_unique(thresholds[nodes])
        # An infinite threshold indexes past every edge: all values go left.
        bins[nodes] = np.searchsorted(used, thresholds[nodes], side="left")
        edges.append(used)
    ends = np.cumsum([i.size for i in inner])[:-1]
    for tree, nodes, node_bins, node_thresholds in zip(
        trees, inner, np.split(bins, ends), np.split(thresholds, ends)
    ):
        tree.bin_threshold[nodes] = node_bins
        tree.threshold[nodes] = node_thresholds
    return BinMapper.from_edges(edges)


def _finite_unique(values):
    unique = np.unique(values)
    return unique[np.isfinite(unique)]
