"""KMeans and k_means: parity with scikit-learn, edge cases and bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score

from skdeep.cluster import KMeans, _lloyd, k_means


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(600, n_features=5, centers=6, cluster_std=2.0, random_state=0)
    return X, y


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
@pytest.mark.parametrize("path", ["full_pass", "bounds"])
def test_same_init_gives_sklearn_centers_and_labels(
    monkeypatch, blobs, algorithm, container, path
):
    # Small problems recompute every distance; larger ones keep bounds.
    size = 10**9 if path == "full_pass" else 0
    monkeypatch.setattr(_lloyd, "SMALL_PROBLEM_SIZE", size)
    X, _ = blobs
    init = X[:: len(X) // 6][:6].copy()
    ours = KMeans(6, init=init, n_init=1, algorithm=algorithm).fit(container(X))
    ref = SkKMeans(6, init=init, n_init=1, algorithm=algorithm).fit(container(X))
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-6)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-8)


def test_lloyd_and_elkan_agree_with_weights(blobs):
    X, _ = blobs
    weights = np.random.RandomState(0).uniform(0.1, 3.0, X.shape[0])
    fits = [
        KMeans(6, random_state=1, n_init=2, algorithm=algo).fit(
            X, sample_weight=weights
        )
        for algo in ("lloyd", "elkan")
    ]
    np.testing.assert_array_equal(fits[0].labels_, fits[1].labels_)
    np.testing.assert_allclose(fits[0].cluster_centers_, fits[1].cluster_centers_)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1])
def test_kmeans_plusplus_inertia_within_one_percent_of_sklearn(seed, dtype):
    X, _ = make_blobs(2000, n_features=8, centers=10, random_state=seed)
    X = X.astype(dtype)
    ours = KMeans(10, random_state=seed, n_init=3).fit(X).inertia_
    ref = SkKMeans(10, random_state=seed, n_init=3).fit(X).inertia_
    assert abs(ours - ref) <= 0.01 * ref


def test_float32_stays_float32(blobs):
    X = blobs[0].astype(np.float32)
    km = KMeans(6, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float32
    assert km.transform(X).dtype == np.float32
    assert (
        adjusted_rand_score(km.labels_, KMeans(6, random_state=0).fit(X).labels_) == 1
    )


def test_predict_transform_score_consistent(blobs):
    X, _ = blobs
    km = KMeans(6, random_state=0).fit(X)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    distances = km.transform(X)
    np.testing.assert_array_equal(distances.argmin(axis=1), km.labels_)
    np.testing.assert_allclose(-km.score(X), km.inertia_, rtol=1e-10)
    np.testing.assert_allclose((distances.min(axis=1) ** 2).sum(), km.inertia_)


def test_zero_weight_equals_dropping_samples(blobs):
    X, _ = blobs
    weights = np.ones(X.shape[0])
    weights[::3] = 0
    init = X[1:13:2]
    kept = KMeans(6, init=init).fit(X[weights > 0])
    weighted = KMeans(6, init=init).fit(X, sample_weight=weights)
    np.testing.assert_allclose(weighted.cluster_centers_, kept.cluster_centers_)
    np.testing.assert_allclose(weighted.inertia_, kept.inertia_)


def test_empty_cluster_is_relocated_to_farthest_point():
    X = np.array([[0.0], [0.1], [0.2], [10.0]])
    init = np.array([[0.1], [100.0]])  # second centre attracts no sample
    km = KMeans(2, init=init).fit(X)
    assert sorted(np.bincount(km.labels_)) == [1, 3]
    np.testing.assert_allclose(sorted(km.cluster_centers_.ravel()), [0.1, 10.0])


def test_duplicates_warn_about_fewer_clusters():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    with pytest.warns(ConvergenceWarning, match="Number of distinct clusters"):
        KMeans(3, random_state=0).fit(X)


def test_single_sample_and_k_function():
    centers, labels, inertia = k_means([[1.0, 2.0]], 1)
    np.testing.assert_allclose(centers, [[1.0, 2.0]])
    assert labels.tolist() == [0] and inertia == 0.0


@pytest.mark.parametrize(
    "X, params, match",
    [
        (np.zeros((3, 2)), {"n_clusters": 4}, "n_samples=3 should be >= n_clusters=4"),
        (np.array([[np.nan, 1.0], [1.0, 2.0]]), {"n_clusters": 1}, "NaN"),
        (np.ones((4, 2)), {"n_clusters": 2, "init": np.ones((3, 2))}, "shape"),
    ],
)
def test_bad_input_raises_clear_error(X, params, match):
    with pytest.raises(ValueError, match=match):
        KMeans(**params).fit(X)


def test_all_zero_weights_raise():
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2).fit(np.eye(3), sample_weight=np.zeros(3))


def test_failed_refit_keeps_previous_model(blobs):
    X, _ = blobs
    km = KMeans(3, random_state=0).fit(X)
    centers = km.cluster_centers_.copy()
    with pytest.raises(ValueError):
        km.set_params(n_clusters=10_000).fit(X)
    np.testing.assert_array_equal(km.cluster_centers_, centers)


def test_feature_names_out_and_pandas_output(blobs):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(blobs[0], columns=[f"f{i}" for i in range(5)])
    km = KMeans(3, random_state=0).set_output(transform="pandas").fit(X)
    out = km.transform(X)
    assert list(out.columns) == ["kmeans0", "kmeans1", "kmeans2"]
    assert list(km.feature_names_in_) == list(X.columns)
