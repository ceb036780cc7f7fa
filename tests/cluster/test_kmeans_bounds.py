"""Hamerly and Elkan bounds always give the exact closest-centre labels."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import pairwise_distances_argmin

from skdeep.cluster._kmeans_bounds import ElkanBounds, FullPassLabels, HamerlyBounds


@pytest.mark.parametrize("bounds_class", [HamerlyBounds, ElkanBounds])
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
@pytest.mark.parametrize("step_size", [0.05, 3.0])  # few or most samples recomputed
def test_labels_stay_exact_while_centres_move(bounds_class, container, step_size):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3)) + rng.randint(0, 4, size=(400, 1)) * 3.0
    centers = X[rng.choice(400, 6, replace=False)].copy()
    bounds = bounds_class(container(X), centers)
    for _ in range(8):
        moved = centers + rng.normal(scale=step_size, size=centers.shape)
        bounds.shift(np.sqrt(((moved - centers) ** 2).sum(axis=1)))
        centers = moved
        bounds.assign(centers)
        np.testing.assert_array_equal(
            bounds.labels, pairwise_distances_argmin(X, centers)
        )
        own = np.sqrt(((X - centers[bounds.labels]) ** 2).sum(axis=1))
        assert np.all(bounds.upper >= own - 1e-9)  # still an upper bound


def test_single_centre():
    X = np.random.RandomState(0).rand(20, 2)
    bounds = HamerlyBounds(X, X[:1].copy())
    bounds.shift(np.array([0.5]))
    bounds.assign(X[1:2].copy())
    assert (bounds.labels == 0).all()


@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
def test_full_pass_labels_are_the_closest_centres(container):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(300, 4))
    centers = X[rng.choice(300, 5, replace=False)].copy()
    labels = FullPassLabels(container(X), centers)
    for _ in range(3):
        centers = centers + rng.normal(scale=0.5, size=centers.shape)
        labels.shift(None)
        labels.assign(centers)
        np.testing.assert_array_equal(
            labels.labels, pairwise_distances_argmin(X, centers)
        )
