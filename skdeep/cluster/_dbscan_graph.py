"""The DBSCAN kernel: core samples, core-graph components and border labels.

Everything works on chunks of eps-neighbour pairs from
:class:`~skdeep.cluster._radius_neighbors.RadiusPairs`, so no step needs the
whole neighbourhood graph in memory.
"""

from __future__ import annotations

import numpy as np


def _merge_components(component, a, b, ordered_roots=False):
    """Merge the components joined by edges ``(a, b)``; ids are roots, in place.

    Vectorised union-find: every root hooks onto the smallest root it shares an
    edge with, pointer jumping flattens the trees, and the edges still crossing
    two components are kept for the next round.  Each round removes at least
    one root per remaining edge, and on real data a handful of rounds suffice.
    ``ordered_roots`` says that every ``a`` and ``b`` already is a root (the
    first chunk, when every sample is its own root), which saves four passes
    over the edges (a third of the merge on 6 million edges).  An edge with
    ``a > b`` then hooks nothing in the first round and is merged in the next.
    """
    if ordered_roots:
        low, high = a, b
    else:
        a, b = component[a], component[b]
        low, high = np.minimum(a, b), np.maximum(a, b)
    while low.size:
        np.minimum.at(component, high, low)
        while True:
            parent = component[component]
            if np.array_equal(parent, component):
                break
            component[:] = parent
        a, b = component[low], component[high]
        crossing = a != b
        a, b = a[crossing], b[crossing]
        low, high = np.minimum(a, b), np.maximum(a, b)


def _core_components(core_pair_chunks, n_samples):
    """Connected component id of each sample in the core-to-core graph.

    Ids are the smallest sample index of each component.  Chunks of pairs
    ``i < j`` are merged one at a time, so memory stays bounded by one chunk.
    """
    component = np.arange(n_samples)
    for number, (i, j) in enumerate(core_pair_chunks):
        _merge_components(component, i, j, ordered_roots=number == 0)
    return component


def _number_clusters(component, is_core):
    """Labels for core samples, numbered by the smallest core index per cluster."""
    labels = np.full(is_core.shape[0], -1, dtype=np.intp)
    core_idx = np.flatnonzero(is_core)
    if core_idx.size == 0:
        return labels
    ids, first = np.unique(component[core_idx], return_index=True)
    rank = np.empty(ids.size, dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(ids.size)
    labels[core_idx] = rank[np.searchsorted(ids, component[core_idx])]
    return labels


def attach_border(pair_chunks, core_labels, n_left):
    """For each left sample, the smallest label of a core neighbour, else -1.

    ``pair_chunks`` yields ``(left, core)`` index pairs and ``core_labels``
    maps a core index to its label.  This matches scikit-learn, whose
    depth-first expansion lets the lowest-numbered cluster claim a border
    sample shared by several clusters.
    """
    unset = np.iinfo(np.intp).max
    best = np.full(n_left, unset, dtype=np.intp)
    for left, core in pair_chunks:
        np.minimum.at(best, left, core_labels[core])
    return np.where(best == unset, -1, best)


def _stored_chunks(pairs, is_core):
    """Core-core and (non-core, core) pair lists from all pairs at once."""
    i, j = pairs
    core_i, core_j = is_core[i], is_core[j]
    both = core_i & core_j
    core_pairs = [(i[both], j[both])]
    left_border, right_border = core_j & ~core_i, core_i & ~core_j
    border_pairs = [
        (i[left_border], j[left_border]),
        (j[right_border], i[right_border]),
    ]
    return core_pairs, border_pairs


def _stored_neighbor_weights(pairs, sample_weight):
    """Total weight of each sample's neighbourhood (itself included) from the
    pairs ``i < j``.  Unit weights count the pairs instead of gathering their
    weights (half the time: 33 against 63 ms for 6 million pairs)."""
    i, j = pairs
    n = sample_weight.shape[0]
    totals = sample_weight.astype(np.float64, copy=True)
    if np.all(sample_weight == 1):
        totals += np.bincount(i, minlength=n)
        totals += np.bincount(j, minlength=n)
        return totals
    totals += np.bincount(i, weights=sample_weight[j], minlength=n)
    totals += np.bincount(j, weights=sample_weight[i], minlength=n)
    return totals


def dbscan_labels(source, sample_weight, min_samples):
    """Core mask and labels from an eps-neighbour pair source (the kernel).

    With few enough pairs they are computed once and filtered; otherwise each
    pass streams only the pairs it needs: neighbourhood weights, core-core
    pairs for the components, then (non-core, core) pairs for the borders.
    """
    n = sample_weight.shape[0]
    stored = source.stored_pairs()
    if stored is not None:
        totals = _stored_neighbor_weights(stored, sample_weight)
    else:
        totals = source.neighbor_weights(sample_weight)
    is_core = totals >= min_samples
    core, non_core = np.flatnonzero(is_core), np.flatnonzero(~is_core)
    if stored is not None:
        core_pairs, border_pairs = _stored_chunks(stored, is_core)
    else:
        core_pairs = source.pairs_between(core, core, upper_only=True)
        border_pairs = source.pairs_between(non_core, core)
    labels = _number_clusters(_core_components(core_pairs, n), is_core)
    if core.size and non_core.size:
        border = attach_border(border_pairs, labels, n)
        labels = np.where(is_core, labels, border)
    return is_core, labels
