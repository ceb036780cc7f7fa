"""RadiusPairs: every eps-pair exactly once, whatever the source or chunking."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import pairwise_distances

from skdeep.cluster import _radius_neighbors
from skdeep.cluster._radius_neighbors import RadiusPairs


@pytest.fixture
def data():
    return np.random.RandomState(0).rand(150, 3)


def _as_set(chunks):
    pairs = [tuple(p) for i, j in chunks for p in zip(i.tolist(), j.tolist())]
    assert len(pairs) == len(set(pairs))  # no pair comes twice
    return set(pairs)


@pytest.mark.parametrize("metric, p", [("euclidean", None), ("minkowski", 3)])
@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
@pytest.mark.parametrize("block_entries", [2**20, 300])
def test_pairs_match_brute_force(
    monkeypatch, data, metric, p, algorithm, block_entries
):
    monkeypatch.setattr(_radius_neighbors, "_BLOCK_ENTRIES", block_entries)
    eps = 0.2
    D = pairwise_distances(data, metric="minkowski", p=p or 2)
    expected = {(i, j) for i, j in zip(*np.nonzero(D <= eps)) if i < j}
    source = RadiusPairs(data, eps, metric, p, None, algorithm, None)
    everyone = np.arange(len(data))
    assert (
        _as_set(source.pairs_between(everyone, everyone, upper_only=True)) == expected
    )
    if source.tree is not None:
        i, j = source.stored_pairs()
        assert _as_set([(i, j)]) == expected
    weights = np.linspace(0.5, 2.0, len(data))
    np.testing.assert_allclose(source.neighbor_weights(weights), (D <= eps) @ weights)
    np.testing.assert_allclose(
        source.neighbor_weights(np.ones(len(data))), (D <= eps).sum(axis=1)
    )


def test_pairs_between_subsets_and_sparse_precomputed(data):
    eps = 0.25
    D = pairwise_distances(data)
    graph = sp.csr_matrix(np.where(D <= eps, D, 0.0))
    graph.setdiag(0.0)  # explicit zeros on the diagonal are still stored
    source = RadiusPairs(graph, eps, "precomputed", None, None, "auto", None)
    rows, cols = np.arange(0, 150, 2), np.arange(1, 150, 2)
    expected = {(i, j) for i in rows for j in cols if D[i, j] <= eps}
    assert _as_set(source.pairs_between(rows, cols)) == expected


def test_minkowski_p_below_one_is_rejected(data):
    with pytest.raises(ValueError, match="p must be greater than or equal to 1"):
        RadiusPairs(data, 0.1, "minkowski", 0.5, None, "auto", None)
