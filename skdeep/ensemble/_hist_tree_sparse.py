"""Split search on *sparse* histograms, for rounds with many small nodes.

Deep in a tree most nodes hold far fewer samples than there are bins, so a
dense (nodes, features, bins) histogram is mostly zeros and its size, not the
data, dominates the cost.  Here only the occupied cells are kept: the flat
cell index ``node * F * B + feature * B + bin`` of every (row, feature) entry
is sorted once (``np.unique``), the statistics of each occupied cell are
bincounts over the inverse index, and cumulative sums run within each
(node, feature) segment.  The result is the same split as the dense search.
"""

from __future__ import annotations

import numpy as np

from ._hist_tree_split import SplitResult, _score

__all__ = ["sparse_best_splits"]


def _segment_starts(keys):
    """Start index of every run of equal values in sorted ``keys``."""
    # np.concatenate, not np.r_: the index-trick object costs ~10 µs a call.
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))


#: Up to this many cells, occupied cells are found with a dense bincount
#: (cheap memory writes); beyond it by sorting the entries (np.unique).
_DENSE_CELL_LIMIT = 1 << 22


def _cell_statistics(flat, g, h, n_features, n_cells):
    """Occupied cells (sorted) and their gradient, hessian and count sums."""
    if n_cells <= _DENSE_CELL_LIMIT:
        all_counts = np.bincount(flat, minlength=n_cells)
        cells = np.flatnonzero(all_counts)
        index, size, count = flat, n_cells, all_counts[cells]
    else:
        cells, index = np.unique(flat, return_inverse=True)
        size = cells.size
        count = np.bincount(index, minlength=size)
    weights = np.empty((g.size, n_features))

    def cell_sums(values):
        weights[...] = values[:, None]
        sums = np.bincount(index, weights=weights.ravel(), minlength=size)
        return sums[cells] if size == n_cells else sums

    grad = cell_sums(g)
    hess = None if h is None else cell_sums(h)
    return cells, grad, hess, count.astype(np.float64)


def _left_sums(values, group, group_first, is_missing):
    """Within-(node, feature) cumulative sums over the non-missing bins, plus
    the missing-bin sum of each entry's group."""
    non_missing = np.where(is_missing, 0.0, values)
    cumulative = np.cumsum(non_missing)
    before = np.concatenate(([0.0], cumulative))[group_first]
    left = cumulative - before[group]
    missing = np.zeros(group_first.size)
    missing[group[is_missing]] = values[is_missing]
    return left, missing[group]


def _direction_gains(stats, node_totals, params, usable, any_missing=True):
    """Gains (invalid: -inf) and left sums for NaN going right (0) / left (1).

    Without missing values both directions are the same split and direction 0
    wins the tie, so direction 1 is not formed (its gains are -inf).
    """
    g_tot, h_tot, c_tot = node_totals
    l2 = params.l2_regularization
    parent_score = _score(g_tot, h_tot, l2)
    gains, lefts = [], []
    for direction in (0, 1) if any_missing else (0,):
        g_l, h_l, c_l = (left + direction * miss for left, miss in stats)
        g_r, h_r, c_r = g_tot - g_l, h_tot - h_l, c_tot - c_l
        with np.errstate(invalid="ignore"):  # inf - inf on empty children
            gain = _score(g_l, h_l, l2) + _score(g_r, h_r, l2) - parent_score
        valid = usable & (c_l >= params.min_samples_leaf)
        valid &= (c_r >= params.min_samples_leaf) & (h_l > 0) & (h_r > 0)
        if params.min_weight_leaf > 0:
            valid &= (h_l >= params.min_weight_leaf) & (h_r >= params.min_weight_leaf)
        gains.append(np.where(valid, gain, -np.inf))
        lefts.append((g_l, h_l, c_l))
    if not any_missing:
        gains.append(np.full_like(gains[0], -np.inf))
        lefts.append(lefts[0])
    return gains, lefts


def _first_best_per_node(gain, node):
    """Index of the first maximal (quantised) gain of each node segment."""
    node_first = _segment_starts(node)
    finite = np.where(np.isfinite(gain), np.abs(gain), 0.0)
    scale = np.maximum.reduceat(finite, node_first)
    scale = np.where(scale > 0, scale, 1.0)
    quantized = np.round(gain / scale[node], 9)
    best_value = np.maximum.reduceat(quantized, node_first)
    hits = np.flatnonzero(quantized == best_value[node])
    _, first_hit = np.unique(node[hits], return_index=True)
    return hits[first_hit]


def sparse_best_splits(flat, g, h, uniform_h, node_shape, totals, params, mask_fn):
    """Best split of ``k`` nodes from the flat cell indices of their rows.

    Parameters
    ----------
    flat : ndarray of int of shape (n_rows * n_features,)
        Cell index ``local_node * F * B + feature * B + bin`` of each entry.
    g, h : ndarray of shape (n_rows,)
        Gradients and hessians of the rows (``h`` unused if ``uniform_h``).
    uniform_h : float or None
        The common hessian when all rows share it.
    node_shape : tuple (k, n_features, n_bins)
    totals : tuple of three ndarray of shape (k,)
        Gradient sum, hessian sum and count of each node.
    params : TreeParams
    mask_fn : callable
        ``mask_fn(constant)`` with ``constant`` of shape (k, n_features)
        returns the allowed-feature mask (or None).

    Returns
    -------
    SplitResult
    """
    k, n_features, n_bins = node_shape
    cells, grad, hess, count = _cell_statistics(
        flat,
        g,
        None if uniform_h is not None else h,
        n_features,
        k * n_features * n_bins,
    )
    if uniform_h is not None:
        hess = count * uniform_h
    group, group_first, node, feature, bins, constant = _cell_layout(cells, node_shape)
    is_missing = bins == n_bins - 1
    allowed = mask_fn(constant)

    stats = [_left_sums(v, group, group_first, is_missing) for v in (grad, hess, count)]
    usable = ~is_missing
    if allowed is not None:
        usable &= allowed[node, feature]
    gains, lefts = _direction_gains(
        stats, [t[node] for t in totals], params, usable, bool(is_missing.any())
    )
    # Candidates ordered (node, feature, bin, direction), as in the dense search.
    best = _first_best_per_node(np.column_stack(gains).ravel(), np.repeat(node, 2))
    layout = (feature, bins, group, n_bins - 1)
    return _chosen_splits(best, gains, lefts, stats[2][1], layout, totals[2])


def _next_cell_bin(entry, group, bins, missing_bin):
    """Bin of the occupied cell after each ``entry`` in its (node, feature)
    group, -1 when there is none or it is the missing bin."""
    after = np.minimum(entry + 1, bins.size - 1)
    same = (after > entry) & (group[after] == group[entry])
    return np.where(same & (bins[after] != missing_bin), bins[after], -1)


def _cell_layout(cells, node_shape):
    """Segment layout of the sorted occupied ``cells``.

    Returns the (node, feature) group of every cell, each group's first cell,
    the node, feature and bin of every cell, and which (node, feature) pairs
    of shape (k, n_features) are constant (a single occupied bin).
    """
    k, n_features, n_bins = node_shape
    group_key = cells // n_bins  # local_node * F + feature
    bins = cells % n_bins
    group_first = _segment_starts(group_key)
    occupied = np.diff(group_first, append=cells.size)
    group = np.repeat(np.arange(group_first.size), occupied)
    node, feature = group_key // n_features, group_key % n_features
    constant = np.zeros((k, n_features), dtype=bool)
    keys = group_key[group_first]
    constant[keys // n_features, keys % n_features] = occupied <= 1
    return group, group_first, node, feature, bins, constant


def _chosen_splits(best, gains, lefts, missing_counts, layout, node_counts):
    """The SplitResult of the candidates ``best`` (entry * 2 + direction);
    ``layout`` is (feature, bin, group of every cell, the missing bin)."""
    feature, bins, group, missing_bin = layout
    entry, direction = best // 2, best % 2
    g_l, h_l, c_l = (
        np.where(direction == 1, lefts[1][i][entry], lefts[0][i][entry])
        for i in range(3)
    )
    has_missing = missing_counts[entry] > 0
    larger_left = c_l >= node_counts - c_l
    return SplitResult(
        gain=np.column_stack(gains).ravel()[best],
        feature=feature[entry],
        bin=bins[entry],
        missing_left=np.where(has_missing, direction == 1, larger_left),
        grad_left=g_l,
        hess_left=h_l,
        count_left=c_l,
        next_bin=_next_cell_bin(entry, group, bins, missing_bin),
    )
