"""MiniBatchKMeans: same batches and centres as scikit-learn, partial_fit."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.cluster import MiniBatchKMeans as SkMiniBatchKMeans
from sklearn.datasets import make_blobs

from skdeep.cluster import KMeans, MiniBatchKMeans


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(1500, n_features=4, centers=5, cluster_std=1.5, random_state=0)[0]


@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
@pytest.mark.parametrize("params", [{}, {"tol": 1e-3, "max_no_improvement": None}])
def test_fit_matches_sklearn(blobs, container, params):
    kw = dict(n_clusters=5, batch_size=100, random_state=0, **params)
    ours = MiniBatchKMeans(**kw).fit(container(blobs))
    ref = SkMiniBatchKMeans(**kw).fit(container(blobs))
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-6)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert (ours.n_steps_, ours.n_iter_) == (ref.n_steps_, ref.n_iter_)


def test_weighted_fit_and_reassignment_match_sklearn(blobs):
    weights = np.random.RandomState(0).uniform(0.5, 2.0, blobs.shape[0])
    kw = dict(
        n_clusters=20,
        batch_size=50,
        random_state=1,
        reassignment_ratio=0.2,
        max_iter=5,
        max_no_improvement=None,
    )
    ours = MiniBatchKMeans(**kw).fit(blobs, sample_weight=weights)
    ref = SkMiniBatchKMeans(**kw).fit(blobs, sample_weight=weights)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-6)
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-8)


def test_partial_fit_matches_sklearn_stream(blobs):
    ours = MiniBatchKMeans(n_clusters=5, random_state=0)
    ref = SkMiniBatchKMeans(n_clusters=5, random_state=0)
    for batch in np.array_split(blobs, 10):
        ours.partial_fit(batch)
        ref.partial_fit(batch)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-6)
    assert ours.n_steps_ == 10


def test_quality_close_to_full_kmeans(blobs):
    full = KMeans(5, random_state=0).fit(blobs).inertia_
    mini = MiniBatchKMeans(5, random_state=0, batch_size=256).fit(blobs).inertia_
    assert mini < 1.05 * full


def test_compute_labels_false_estimates_inertia(blobs):
    km = MiniBatchKMeans(5, random_state=0, compute_labels=False).fit(blobs)
    assert not hasattr(km, "labels_")
    exact = -km.score(blobs)
    assert 0.5 * exact < km.inertia_ < 2.0 * exact


def test_partial_fit_rejects_wrong_feature_count(blobs):
    km = MiniBatchKMeans(3, random_state=0).partial_fit(blobs[:100])
    centers = km.cluster_centers_.copy()
    with pytest.raises(ValueError, match="features"):
        km.partial_fit(blobs[:100, :2])
    np.testing.assert_array_equal(km.cluster_centers_, centers)
