"""Hamerly and Elkan bounds always give the exact closest-centre labels."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import pairwise_distances_argmin

from skdeep.cluster import KMeans, _k_means_common, _lloyd
from skdeep.cluster._kmeans_bounds import ElkanBounds, FullPassLabels, HamerlyBounds


@pytest.mark.parametrize("bounds_class", [HamerlyBounds, ElkanBounds])
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
@pytest.mark.parametrize("step_size", [0.05, 3.0])  # few or most samples recomputed
# Per-centre scans (few centres; up to 32 on narrow data), or argmin rows.
@pytest.mark.parametrize("n_centers", [6, 20, 40])
def test_labels_stay_exact_while_centres_move(
    bounds_class, container, step_size, n_centers
):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3)) + rng.randint(0, 4, size=(400, 1)) * 3.0
    centers = X[rng.choice(400, n_centers, replace=False)].copy()
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
# Dense data too large for a transposed copy takes the chunked passes.
@pytest.mark.parametrize("transposed_max_bytes", [2**20, 0])
# Per-centre layout: 5 centres on 4 features, 20 on 4 (narrow); argmin rows:
# 40 features, 20 centres on 20 features, 40 centres.
@pytest.mark.parametrize(
    "n_features, n_clusters", [(4, 5), (40, 5), (4, 20), (20, 20), (4, 40)]
)
def test_full_pass_labels_are_the_closest_centres(
    monkeypatch, container, transposed_max_bytes, n_features, n_clusters
):
    monkeypatch.setattr(_k_means_common, "_TRANSPOSED_MAX_BYTES", transposed_max_bytes)
    rng = np.random.RandomState(1)
    X = rng.normal(size=(300, n_features))
    centers = X[rng.choice(300, n_clusters, replace=False)].copy()
    labels = FullPassLabels(container(X), centers)
    keeps_copy = container is np.asarray and transposed_max_bytes > 0
    assert (labels.X_t is not None) == keeps_copy
    for _ in range(3):
        centers = centers + rng.normal(scale=0.5, size=centers.shape)
        labels.shift(None)
        labels.assign(centers)
        np.testing.assert_array_equal(
            labels.labels, pairwise_distances_argmin(X, centers)
        )


def test_row_parts_cover_every_row_once_and_propagate_errors(monkeypatch):
    monkeypatch.setattr(_k_means_common, "usable_threads", lambda: 3)
    monkeypatch.setattr(_k_means_common, "MIN_WORK_PER_THREAD", 1)
    hits = np.zeros(1000, dtype=int)

    def mark(part):
        hits[part] += 1

    _k_means_common.run_in_row_parts(mark, 1000, 1)
    assert (hits == 1).all()

    def fail(part):
        if part.start > 0:
            raise RuntimeError("worker failed")

    with pytest.raises(RuntimeError, match="worker failed"):
        _k_means_common.run_in_row_parts(fail, 1000, 1)


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("small_problem_size", [2**17, 0])  # full pass, bounds
def test_threaded_passes_give_identical_results(
    monkeypatch, threads, algorithm, small_problem_size
):
    # Split into parts or not, every row is computed the same way.
    monkeypatch.setattr(_lloyd, "SMALL_PROBLEM_SIZE", small_problem_size)
    monkeypatch.setattr(_k_means_common, "MIN_WORK_PER_THREAD", 1000)
    rng = np.random.RandomState(3)
    X = rng.normal(size=(3000, 6)) + rng.randint(0, 5, size=(3000, 1)) * 2.0
    fits = []
    for n_threads in (1, threads):
        monkeypatch.setattr(_k_means_common, "usable_threads", lambda n=n_threads: n)
        model = KMeans(7, n_init=1, random_state=0, algorithm=algorithm).fit(X)
        fits.append((model, model.predict(X[:500])))
    (serial, serial_pred), (threaded, threaded_pred) = fits
    np.testing.assert_array_equal(threaded.labels_, serial.labels_)
    np.testing.assert_array_equal(threaded.cluster_centers_, serial.cluster_centers_)
    np.testing.assert_array_equal(threaded_pred, serial_pred)
    assert threaded.n_iter_ == serial.n_iter_
    assert threaded.inertia_ == serial.inertia_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_features, n_clusters", [(4, 5), (40, 5), (4, 20), (4, 40)])
@pytest.mark.parametrize("threads", [1, 3])
def test_labels_inertia_is_the_weighted_sum_of_exact_distances(
    monkeypatch, dtype, n_features, n_clusters, threads
):
    monkeypatch.setattr(_k_means_common, "usable_threads", lambda: threads)
    monkeypatch.setattr(_k_means_common, "MIN_WORK_PER_THREAD", 1000)
    rng = np.random.RandomState(4)
    X = (rng.normal(size=(2000, n_features)) + 100.0).astype(dtype)
    centers = X[rng.choice(2000, n_clusters, replace=False)] + 0.1
    weights = rng.uniform(0.5, 2.0, size=2000).astype(dtype)
    labels, inertia = _k_means_common.labels_inertia(X, weights, centers)
    # Far from the origin: distances from differences, not from the product.
    exact = ((X.astype(np.float64) - centers[labels]) ** 2).sum(axis=1) @ weights
    assert inertia == pytest.approx(exact, rel=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_scan_centres_matches_argmin_and_partition_with_ties(dtype):
    from skdeep.cluster._k_means_scan import scan_centres

    rng = np.random.RandomState(5)
    for block in (
        rng.randint(0, 4, size=(500, 7)).astype(dtype),  # many ties
        rng.normal(size=(300, 40)).astype(dtype),  # labels beyond a few bits
    ):
        label, nearest, second = scan_centres(np.ascontiguousarray(block.T), True)
        np.testing.assert_array_equal(label, block.argmin(axis=1))
        ordered = np.sort(block, axis=1)
        np.testing.assert_array_equal(nearest, ordered[:, 0])
        np.testing.assert_array_equal(second, ordered[:, 1])
        assert nearest.dtype == dtype
    label, nearest, second = scan_centres(block[:, :1].T.copy(), True)
    assert (label == 0).all() and np.isinf(second).all()
    np.testing.assert_array_equal(nearest, block[:, 0])
    assert scan_centres(block.T.copy())[2] is None


def test_first_argmin_matches_argmin_with_ties():
    from skdeep.cluster._k_means_scan import first_argmin

    rng = np.random.RandomState(6)
    for n_rows in (1, 2, 7):
        for n_columns in (400, 9000):  # masked writes, then the arithmetic scan
            block_t = rng.randint(0, 3, size=(n_rows, n_columns)).astype(float)
            out = np.full(n_columns, -1, dtype=np.int32)
            first_argmin(block_t, out)
            np.testing.assert_array_equal(out, block_t.argmin(axis=0))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_features", [1, 2, 30])
def test_tolerance_is_tol_times_the_mean_feature_variance(dtype, n_features):
    rng = np.random.RandomState(3)
    X = rng.normal(size=(500, n_features)) * np.arange(1, n_features + 1) + 7.0
    X = X.astype(dtype)
    expected = 1e-3 * np.var(X.astype(np.float64), axis=0).mean()
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for data in (X, sp.csr_matrix(X)):
        got = _k_means_common.tolerance(data, 1e-3)
        np.testing.assert_allclose(got, expected, rtol=rtol)
    # KMeans.fit asks for it after centring X.
    got = _k_means_common.tolerance(X - X.mean(axis=0), 1e-3, centered=True)
    np.testing.assert_allclose(got, expected, rtol=rtol)
    assert _k_means_common.tolerance(X, 0) == 0.0
