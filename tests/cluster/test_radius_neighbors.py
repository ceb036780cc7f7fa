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


def test_block_pairs_are_dropped_past_the_budget(monkeypatch, data):
    source = RadiusPairs(data, 0.3, "euclidean", None, None, "brute", None)
    assert source.stored_pairs() is not None
    monkeypatch.setattr(_radius_neighbors, "MAX_STORED_PAIR_BYTES", 64)
    assert source.stored_pairs() is None


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gram_blocks_keep_pairs_at_exactly_eps(dtype):
    # Integer coordinates: every squared distance is exact, and eps = 3 is
    # the distance of many pairs, which must count as neighbours (<= eps).
    X = np.random.RandomState(0).randint(0, 3, size=(120, 20)).astype(dtype)
    D2 = ((X[:, None, :].astype(float) - X[None, :, :]) ** 2).sum(axis=2)
    assert np.any(D2 == 9.0)
    source = RadiusPairs(X, 3.0, "euclidean", None, None, "auto", None)
    assert source.tree is None and source._columns is not None
    expected = {(i, j) for i, j in zip(*np.nonzero(D2 <= 9.0)) if i < j}
    everyone = np.arange(len(X))
    assert _as_set(source.pairs_between(everyone, everyone, True)) == expected
    rows, cols = np.arange(0, 120, 3), np.arange(1, 120, 2)
    expected = {(i, j) for i in rows for j in cols if D2[i, j] <= 9.0}
    assert _as_set(source.pairs_between(rows, cols)) == expected
