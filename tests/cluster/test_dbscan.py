"""DBSCAN: parity with scikit-learn, predict, bounded-memory path, bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.cluster import DBSCAN as SkDBSCAN
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score, pairwise_distances
from sklearn.neighbors import radius_neighbors_graph

from skdeep.cluster import DBSCAN, _radius_neighbors, dbscan


def _datasets():
    moons, _ = make_moons(400, noise=0.08, random_state=0)
    blobs, _ = make_blobs(500, n_features=6, centers=4, random_state=1)
    grid = np.array([[0.0], [2.0], [3.0], [4.0], [6.0], [8.0], [10.0]])
    return {"moons": (moons, 0.15), "blobs6d": (blobs, 1.6), "grid": (grid, 2.0)}


def _assert_same_clustering(ours, ref):
    assert adjusted_rand_score(ours.labels_, ref.labels_) == 1.0
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_array_equal(ours.core_sample_indices_, ref.core_sample_indices_)


@pytest.mark.parametrize("name", ["moons", "blobs6d", "grid"])
@pytest.mark.parametrize(
    "metric, p",
    [
        ("euclidean", None),
        ("manhattan", None),
        ("chebyshev", None),
        ("minkowski", 3),
        ("cosine", None),
    ],
)
def test_matches_sklearn(name, metric, p):
    X, eps = _datasets()[name]
    if metric == "cosine":
        if X.shape[1] == 1:
            pytest.skip("cosine distance is degenerate in one dimension")
        eps = 0.02
    params = dict(eps=eps, min_samples=4, metric=metric, p=p)
    _assert_same_clustering(DBSCAN(**params).fit(X), SkDBSCAN(**params).fit(X))


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_algorithms_agree(algorithm):
    X, eps = _datasets()["blobs6d"]
    ours = DBSCAN(eps=eps, algorithm=algorithm).fit(X)
    _assert_same_clustering(ours, SkDBSCAN(eps=eps).fit(X))


@pytest.mark.parametrize("eps", [2.0, 3.0, 6.0])
def test_high_dimensional_brute_force_matches_sklearn(eps):
    # More than 16 features: both libraries search by brute force; integer
    # coordinates put many pairs at exactly eps, where the two must agree.
    X = np.random.RandomState(0).randint(0, 3, size=(300, 20)).astype(float)
    X[150:] += 4.0
    params = dict(eps=eps, min_samples=3)
    _assert_same_clustering(DBSCAN(**params).fit(X), SkDBSCAN(**params).fit(X))
    weights = np.random.RandomState(1).randint(0, 3, len(X)).astype(float)
    ours = DBSCAN(**params).fit(X, sample_weight=weights)
    _assert_same_clustering(ours, SkDBSCAN(**params).fit(X, sample_weight=weights))


@pytest.mark.parametrize("sparse_input", [False, True])
def test_precomputed_matches_sklearn(sparse_input):
    X, eps = _datasets()["moons"]
    if sparse_input:
        D = radius_neighbors_graph(X, eps, mode="distance")
    else:
        D = pairwise_distances(X)
    ours = DBSCAN(eps=eps, min_samples=5, metric="precomputed").fit(D)
    ref = SkDBSCAN(eps=eps, min_samples=5, metric="precomputed").fit(D)
    _assert_same_clustering(ours, ref)


def test_sparse_features_and_weights_match_sklearn():
    X, eps = _datasets()["blobs6d"]
    weights = np.random.RandomState(0).randint(0, 4, X.shape[0]).astype(float)
    ours = DBSCAN(eps=eps, min_samples=8).fit(sp.csr_matrix(X), sample_weight=weights)
    ref = SkDBSCAN(eps=eps, min_samples=8).fit(X, sample_weight=weights)
    _assert_same_clustering(ours, ref)


@pytest.mark.parametrize("metric", ["cosine", "l1", "manhattan"])
def test_sparse_features_with_sparse_metrics_match_sklearn(metric):
    X = sp.random(300, 20, density=0.3, format="csr", random_state=2)
    ours = DBSCAN(eps=0.4, min_samples=4, metric=metric).fit(X)
    ref = SkDBSCAN(eps=0.4, min_samples=4, metric=metric).fit(X)
    _assert_same_clustering(ours, ref)


@pytest.mark.parametrize("metric", ["sqeuclidean", "hamming", "chebyshev"])
def test_sparse_input_with_a_dense_only_metric_is_refused_clearly(metric):
    # scikit-learn raises the same ValueError; scipy's own error was a TypeError.
    X = sp.random(50, 5, density=0.5, format="csr", random_state=0)
    with pytest.raises(ValueError, match="not valid for sparse input"):
        DBSCAN(metric=metric).fit(X)
    fitted = DBSCAN(eps=2.0, metric=metric, algorithm="brute").fit(X.toarray())
    with pytest.raises(ValueError, match="not valid for sparse input"):
        fitted.predict(X)


@pytest.mark.parametrize(
    "metric, algorithm",
    [("euclidean", "kd_tree"), ("manhattan", "kd_tree"), ("chebyshev", "kd_tree"),
     ("euclidean", "brute"), ("minkowski", "brute")],
)  # fmt: skip
def test_sparse_queries_of_a_dense_low_dimensional_model(metric, algorithm):
    # A model fitted on low-dimensional dense data answers through a k-d
    # tree or one widened Gram product, which take dense rows only: sparse
    # queries used to crash there.
    X = np.random.default_rng(0).normal(size=(200, 3))
    fitted = DBSCAN(eps=0.5, metric=metric, algorithm=algorithm).fit(X)
    queries = np.where(np.abs(X) > 0.5, X, 0.0)
    np.testing.assert_array_equal(
        fitted.predict(sp.csr_matrix(queries)), fitted.predict(queries)
    )


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
def test_bounded_memory_chunks_match_sklearn(monkeypatch, algorithm):
    X, eps = _datasets()["moons"]
    monkeypatch.setattr(_radius_neighbors, "MAX_STORED_PAIR_BYTES", 0)
    monkeypatch.setattr(_radius_neighbors, "_BLOCK_ENTRIES", 4000)
    weights = np.ones(len(X))
    weights[::7] = 2.0
    for sample_weight in (None, weights):
        ours = DBSCAN(eps=eps, algorithm=algorithm).fit(X, sample_weight=sample_weight)
        ref = SkDBSCAN(eps=eps).fit(X, sample_weight=sample_weight)
        _assert_same_clustering(ours, ref)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_predict_on_training_points_reproduces_labels(metric):
    X, eps = _datasets()["moons"]
    eps = 0.02 if metric == "cosine" else eps
    db = DBSCAN(eps=eps, metric=metric).fit(X)
    np.testing.assert_array_equal(db.predict(X), db.labels_)
    np.testing.assert_array_equal(
        db.predict(X[db.core_sample_indices_]), db.labels_[db.core_sample_indices_]
    )


def test_predict_new_points_and_precomputed():
    X = np.array([[0.0, 0.0], [0.0, 0.5], [0.5, 0.0], [9.0, 9.0]])
    db = DBSCAN(eps=0.6, min_samples=3).fit(X)
    np.testing.assert_array_equal(db.labels_, [0, 0, 0, -1])
    np.testing.assert_array_equal(db.predict([[0.2, 0.2], [5.0, 5.0]]), [0, -1])
    pre = DBSCAN(eps=0.6, min_samples=3, metric="precomputed").fit(
        pairwise_distances(X)
    )
    queries = pairwise_distances([[0.2, 0.2], [5.0, 5.0]], X)
    np.testing.assert_array_equal(pre.predict(queries), [0, -1])


def test_all_noise_and_single_sample():
    X = np.arange(10, dtype=float).reshape(-1, 1) * 10
    db = DBSCAN(eps=1.0, min_samples=2).fit(X)
    assert (db.labels_ == -1).all() and db.components_.shape == (0, 1)
    assert (db.predict(X) == -1).all()
    single = DBSCAN(min_samples=1).fit([[3.0, 4.0]])
    assert single.labels_.tolist() == [0]


def test_duplicates_form_one_cluster():
    X = np.zeros((6, 2))
    core, labels = dbscan(X, eps=0.1, min_samples=6)
    assert core.tolist() == list(range(6)) and (labels == 0).all()


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        DBSCAN().fit([[np.nan, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="square"):
        DBSCAN(metric="precomputed").fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="eps"):
        DBSCAN(eps=0.0).fit(np.zeros((3, 2)))
