"""KMeans's initialisation options: random draws, callables, arrays."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs

from skdeep.cluster import KMeans, MiniBatchKMeans


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(300, n_features=4, centers=5, cluster_std=1.5, random_state=2)
    return X


@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
@pytest.mark.parametrize("zero_weights", [False, True])
def test_random_init_matches_sklearn(blobs, container, zero_weights):
    # init="random" draws k distinct rows with probability proportional to
    # their weight (never a zero-weight row), from the same stream as
    # scikit-learn: same starts, same result, over several initialisations.
    weights = np.random.RandomState(0).uniform(0.5, 2.0, blobs.shape[0])
    if zero_weights:
        weights[::3] = 0.0
    params = dict(n_clusters=5, init="random", n_init=4, random_state=7)
    ours = KMeans(**params).fit(container(blobs), sample_weight=weights)
    ref = SkKMeans(**params).fit(container(blobs), sample_weight=weights)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10)
    assert_array_equal(ours.labels_, ref.labels_)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-12)


def test_callable_init_gets_the_data_and_a_random_state(blobs):
    seen = {}

    def first_rows(X, n_clusters, random_state):
        seen["shape"], seen["k"] = X.shape, n_clusters
        seen["rng"] = random_state
        return X[:n_clusters]

    ours = KMeans(4, init=first_rows, n_init=1, random_state=0).fit(blobs)
    ref = SkKMeans(4, init=blobs[:4], n_init=1).fit(blobs)
    assert seen["shape"] == blobs.shape and seen["k"] == 4
    assert isinstance(seen["rng"], np.random.RandomState)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10)


def test_callable_init_with_a_wrong_shape_is_rejected(blobs):
    def too_few(X, n_clusters, random_state):
        return X[: n_clusters - 1]

    with pytest.raises(ValueError, match="does not match the number of clusters"):
        KMeans(4, init=too_few, n_init=1).fit(blobs)


@pytest.mark.parametrize("Estimator", [KMeans, MiniBatchKMeans])
def test_array_init_with_several_inits_warns_and_runs_once(blobs, Estimator):
    with pytest.warns(RuntimeWarning, match="performing only one init"):
        km = Estimator(4, init=blobs[:4], n_init=3, random_state=0).fit(blobs)
    ref = Estimator(4, init=blobs[:4], n_init=1, random_state=0).fit(blobs)
    assert_allclose(km.cluster_centers_, ref.cluster_centers_)


def test_elkan_with_one_cluster_falls_back_to_lloyd(blobs):
    with pytest.warns(RuntimeWarning, match="single cluster"):
        km = KMeans(1, algorithm="elkan", n_init=1).fit(blobs)
    assert_allclose(km.cluster_centers_[0], blobs.mean(axis=0))
    assert_array_equal(km.labels_, 0)
