"""MiniBatchKMeans: same batches and centres as scikit-learn, partial_fit."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.cluster import MiniBatchKMeans as SkMiniBatchKMeans
from sklearn.datasets import make_blobs

from skdeep.cluster import KMeans, MiniBatchKMeans

from .._versions import since_sklearn

# scikit-learn 1.9 draws the batches with np.random.choice, by sample weight.
BATCH_DRAW = since_sklearn("1.9", "mini-batches are drawn by sample weight")


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(1500, n_features=4, centers=5, cluster_std=1.5, random_state=0)[0]


@BATCH_DRAW
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
@pytest.mark.parametrize("params", [{}, {"tol": 1e-3, "max_no_improvement": None}])
def test_fit_matches_sklearn(blobs, container, params):
    kw = dict(n_clusters=5, batch_size=100, random_state=0, **params)
    ours = MiniBatchKMeans(**kw).fit(container(blobs))
    ref = SkMiniBatchKMeans(**kw).fit(container(blobs))
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-6)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert (ours.n_steps_, ours.n_iter_) == (ref.n_steps_, ref.n_iter_)


@BATCH_DRAW
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


@pytest.mark.parametrize("n", [1, 3, 7, 1000, 99991])
def test_uniform_inverse_cdf_equals_binary_search(n):
    from skdeep.cluster._minibatch_step import inverse_cdf

    cdf = np.cumsum(np.full(n, 1.0 / n))
    cdf /= cdf[-1]
    rng = np.random.RandomState(n)
    # Random draws plus the worst cases: exactly on, and one ulp around, the
    # cumulative values (where floor(draw * n) is off by one).
    edges = cdf[:-1]
    draws = np.concatenate(
        [
            rng.random_sample(2000),
            [0.0, np.nextafter(1.0, 0.0)],
            edges,
            np.nextafter(edges, 0.0),
            np.nextafter(edges, 1.0),
            np.arange(n) / n,
        ]
    )
    expected = cdf.searchsorted(draws, "right")
    np.testing.assert_array_equal(inverse_cdf(cdf, draws, uniform=True), expected)
    np.testing.assert_array_equal(inverse_cdf(cdf, draws, uniform=False), expected)


@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
def test_reused_indicator_gives_the_same_sums(container):
    from skdeep.cluster._k_means_sums import ReusedIndicator, weighted_sums

    rng = np.random.RandomState(0)
    indicator = ReusedIndicator(64, 5)
    for n_rows in (64, 64, 30):  # rewritten twice, then another batch size
        X = container(rng.normal(size=(n_rows, 3)))
        labels = rng.randint(0, 5, n_rows).astype(np.int32)
        weights = rng.uniform(0.5, 2.0, n_rows)
        np.testing.assert_array_equal(
            indicator.sums(X, labels, weights), weighted_sums(X, labels, weights, 5)
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_weighted_sums_are_the_indicator_products_floats(dtype):
    from skdeep.cluster._k_means_sums import indicator_product, weighted_sums

    X = sp.random(300, 1000, density=0.02, format="csr", random_state=0, dtype=dtype)
    keep = np.ones(300, dtype=dtype)
    keep[100:150] = 0  # empty rows are summed as zeros
    X = sp.csr_matrix(sp.diags(keep) @ X)
    X.eliminate_zeros()
    assert (np.diff(X.indptr)[100:150] == 0).all()
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 7, 300).astype(np.int32)
    weights = rng.uniform(0.5, 2.0, 300).astype(dtype)
    sums = weighted_sums(X, labels, weights, 7)
    assert sums.shape == (7, 1000) and sums.dtype == np.float64
    np.testing.assert_array_equal(sums, indicator_product(X, labels, weights, 7))
    dense = np.zeros((7, 1000))
    np.add.at(dense, labels, X.toarray() * weights[:, None].astype(np.float64))
    np.testing.assert_allclose(sums, dense, rtol=1e-12)


@BATCH_DRAW
@pytest.mark.parametrize("n_features, n_clusters", [(2, 6), (40, 6), (2, 20)])
def test_fit_matches_sklearn_on_either_label_layout(n_features, n_clusters):
    X = make_blobs(3000, n_features=n_features, centers=n_clusters, random_state=2)[0]
    kw = dict(n_clusters=n_clusters, random_state=0)
    ours = MiniBatchKMeans(**kw).fit(X)
    ref = SkMiniBatchKMeans(**kw).fit(X)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-6)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_steps_ == ref.n_steps_


@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
def test_step_moves_only_the_centres_that_got_samples(container):
    from skdeep.cluster._minibatch_step import mini_batch_step

    rng = np.random.default_rng(0)
    centers = rng.normal(size=(4, 3)) * 10.0
    centers[3] = 1e6  # far away: never the closest
    # Samples near centres 0 and 1 only; centre 2 has a history, 3 has none.
    X = np.vstack([centers[0] + rng.normal(size=(5, 3)), centers[1] + 0.1])
    counts = np.array([3.0, 1.0, 7.0, 0.0])
    weights = rng.uniform(0.5, 2.0, size=6)
    new, new_counts, _ = mini_batch_step(
        container(X), weights, centers, counts, np.random.RandomState(0)
    )
    # The missed centres are the very same floats; no 0/0 for the empty one.
    np.testing.assert_array_equal(new[2:], centers[2:])
    np.testing.assert_array_equal(
        new_counts, counts + [weights[:5].sum(), weights[5], 0, 0]
    )
    expected = (centers[0] * 3.0 + weights[:5] @ X[:5]) / (3.0 + weights[:5].sum())
    np.testing.assert_allclose(new[0], expected, rtol=1e-12)
    np.testing.assert_allclose(new[1], (centers[1] + weights[5] * X[5]) / new_counts[1])
