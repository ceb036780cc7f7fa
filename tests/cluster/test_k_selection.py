"""select_n_clusters: elbow and silhouette per k."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

from skdeep.cluster import MiniBatchKMeans, select_n_clusters
from skdeep.cluster._k_selection import elbow_point


@pytest.mark.parametrize("true_k", [3, 5])
def test_both_methods_find_well_separated_blobs(true_k):
    centers = 10.0 * np.eye(true_k)[:, :3] if true_k <= 3 else 10.0 * np.eye(true_k)
    X, _ = make_blobs(400, centers=centers, cluster_std=0.8, random_state=true_k)
    result = select_n_clusters(X, range(1, 9), random_state=0)
    assert result.best_n_clusters_silhouette == true_k
    assert result.elbow_n_clusters == true_k
    assert np.isnan(result.silhouette[0])  # k = 1 has no silhouette
    assert np.all(np.diff(result.inertia) < 0)
    k_index = list(result.n_clusters).index(true_k)
    expected = silhouette_score(X, result.estimators[k_index].labels_)
    np.testing.assert_allclose(result.silhouette[k_index], expected)


def test_custom_estimator_and_subsampled_silhouette():
    X, _ = make_blobs(300, centers=4, cluster_std=0.6, random_state=0)
    result = select_n_clusters(
        X,
        [2, 4, 6],
        estimator=MiniBatchKMeans(random_state=0),
        silhouette_sample_size=150,
        random_state=0,
    )
    assert all(isinstance(m, MiniBatchKMeans) for m in result.estimators)
    assert result.best_n_clusters_silhouette == 4


def test_elbow_point_of_a_known_curve():
    assert elbow_point([1, 2, 3, 4, 5, 6], [1000, 400, 150, 20, 18, 16]) == 4


@pytest.mark.parametrize("ks", [[], [0, 2], [2, 50]])
def test_bad_range(ks):
    with pytest.raises(ValueError, match="n_clusters_range"):
        select_n_clusters(np.random.RandomState(0).rand(20, 2), ks)
