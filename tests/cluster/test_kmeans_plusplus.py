"""kmeans_plusplus: D(x)² sampling, greedy trials, parity and bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import chisquare
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus
from sklearn.datasets import make_blobs

from skdeep.cluster import kmeans_plusplus

POINTS = np.array([[0.0], [1.0], [3.0], [6.0]])
WEIGHTS = np.array([1.0, 1.0, 2.0, 4.0])


@pytest.fixture(scope="module")
def draws():
    pairs = [
        kmeans_plusplus(
            POINTS, 2, sample_weight=WEIGHTS, random_state=seed, n_local_trials=1
        )[1]
        for seed in range(1200)
    ]
    return np.array(pairs)


def test_first_center_is_drawn_proportionally_to_weight(draws):
    observed = np.bincount(draws[:, 0], minlength=4)
    expected = WEIGHTS / WEIGHTS.sum() * len(draws)
    assert chisquare(observed, expected).pvalue > 1e-3


@pytest.mark.parametrize("first", range(4))
def test_second_center_follows_weighted_squared_distance(draws, first):
    second = draws[draws[:, 0] == first, 1]
    d2 = (POINTS[:, 0] - POINTS[first, 0]) ** 2
    probabilities = WEIGHTS * d2 / (WEIGHTS * d2).sum()
    observed = np.bincount(second, minlength=4)
    assert observed[first] == 0  # a chosen point has D(x) = 0
    mask = probabilities > 0
    expected = probabilities[mask] * second.size
    assert chisquare(observed[mask], expected).pvalue > 1e-3


@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
# Up to 16 dense features the distances are laid out one candidate per row.
@pytest.mark.parametrize("n_features", [2, 4, 40])
def test_same_draws_as_sklearn(container, n_features):
    X, _ = make_blobs(300, n_features=n_features, centers=5, random_state=0)
    ours = kmeans_plusplus(container(X), 5, random_state=3)
    ref = sk_kmeans_plusplus(container(X), 5, random_state=3)
    np.testing.assert_array_equal(ours[1], ref[1])
    np.testing.assert_allclose(ours[0], ref[0])


def test_greedy_trials_lower_the_potential():
    X, _ = make_blobs(500, n_features=3, centers=8, random_state=1)

    def potential(centers):
        d2 = ((X[:, None, :] - centers[None]) ** 2).sum(-1).min(1)
        return d2.sum()

    greedy = np.mean(
        [potential(kmeans_plusplus(X, 8, random_state=s)[0]) for s in range(20)]
    )
    vanilla = np.mean(
        [
            potential(kmeans_plusplus(X, 8, random_state=s, n_local_trials=1)[0])
            for s in range(20)
        ]
    )
    assert greedy < vanilla


def test_centers_are_rows_of_x():
    X, _ = make_blobs(100, n_features=2, random_state=0)
    centers, indices = kmeans_plusplus(X.astype(np.float32), 4, random_state=0)
    assert centers.dtype == np.float32
    np.testing.assert_array_equal(centers, X.astype(np.float32)[indices])
    assert np.unique(indices).size == 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_clusters": 5}, "n_samples=4 should be >= n_clusters=5"),
        ({"n_clusters": 2, "x_squared_norms": np.ones(3)}, "length of x_squared"),
        ({"n_clusters": 0}, "n_clusters"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kmeans_plusplus(POINTS, **kwargs)


@pytest.mark.parametrize("n_features", [2, 40])
def test_squared_distances_to_candidates_in_every_layout(n_features):
    from skdeep.cluster._k_means_common import transposed_copy
    from skdeep.cluster._kmeans_plusplus import _sq_distances_to

    rng = np.random.RandomState(2)
    X = rng.normal(size=(200, n_features))
    rows = rng.normal(size=(3, n_features))
    expected = ((rows[:, None, :] - X[None]) ** 2).sum(axis=2)
    X_t = transposed_copy(X)
    assert X_t.flags.c_contiguous and transposed_copy(sp.csr_matrix(X)) is None
    for data, data_t in ((X, None), (X, X_t), (sp.csr_matrix(X), None)):
        dist = _sq_distances_to(rows, data, (X**2).sum(axis=1), data_t)
        assert dist.shape == (3, 200) and dist.min() >= 0
        np.testing.assert_allclose(dist, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("seed", range(20))
def test_first_centre_is_numpy_choice_draw(seed):
    # The first centre must be the draw RandomState.choice makes with the
    # normalised weights as p, leaving the stream in the same state.
    from skdeep.cluster._kmeans_plusplus import _weighted_draw

    rng = np.random.RandomState(seed)
    n_samples = rng.randint(1, 40)
    # Some zero weights, at least one positive.
    weights = rng.uniform(size=n_samples) * (rng.uniform(size=n_samples) > 0.3)
    weights[rng.randint(n_samples)] += 1.0
    ours, numpy_rs = np.random.RandomState(seed), np.random.RandomState(seed)
    assert _weighted_draw(ours, weights) == numpy_rs.choice(
        weights.size, p=weights / weights.sum()
    )
    assert ours.random_sample() == numpy_rs.random_sample()
