"""The DBSCAN graph kernel: vectorised union-find and border labelling."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from skdeep.cluster._dbscan_graph import _core_components, attach_border


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_chunks", [1, 3])
def test_components_match_scipy(seed, n_chunks):
    rng = np.random.RandomState(seed)
    n, n_edges = 200, 180  # sparse enough for many components and long paths
    i, j = rng.randint(0, n, n_edges), rng.randint(0, n, n_edges)
    chunks = list(zip(np.array_split(i, n_chunks), np.array_split(j, n_chunks)))
    ours = _core_components(chunks, n)
    graph = sp.coo_matrix((np.ones(n_edges), (i, j)), shape=(n, n))
    _, ref = connected_components(graph, directed=False)
    # Same partition, and each id is the smallest member of its component.
    assert np.unique(np.stack([ours, ref]), axis=1).shape[1] == ref.max() + 1
    for component in np.unique(ours):
        assert component == np.flatnonzero(ours == component).min()


def test_long_path_is_one_component():
    n = 1000
    order = np.random.RandomState(0).permutation(n)
    ours = _core_components([(order[:-1], order[1:])], n)
    assert (ours == 0).all()


def test_border_gets_smallest_neighbouring_label():
    labels = np.array([0, 1, 2, -1, -1])
    pairs = [(np.array([3, 3, 3]), np.array([2, 1, 2]))]
    np.testing.assert_array_equal(attach_border(pairs, labels, 5), [-1, -1, -1, 1, -1])
