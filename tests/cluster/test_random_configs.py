"""KMeans, MiniBatchKMeans and DBSCAN against scikit-learn's on drawn settings.

The fixed parity tests pin one setting at a time.  Here each case draws its
data (sample count, width, spread of the blobs, float32, sparse CSR, sample
weights) and its parameters from its seed; every float64 case must give
scikit-learn's labels, iteration count and inertia (the same random draws
for the same seed, the same Lloyd/Elkan steps, the same mini-batches), and
DBSCAN scikit-learn's labels for any metric.  In float32 a point almost
equidistant from two centres can go either way with the summation order (as
it does between scikit-learn's own Lloyd and Elkan solvers): there the
clusterings must agree up to such points.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.cluster import DBSCAN as SkDBSCAN
from sklearn.cluster import KMeans as SkKMeans
from sklearn.cluster import MiniBatchKMeans as SkMiniBatchKMeans
from sklearn.datasets import make_blobs

from skdeep.cluster import DBSCAN, KMeans, MiniBatchKMeans


def _data(rng, seed):
    n, d = int(rng.integers(20, 1500)), int(rng.integers(1, 20))
    X, _ = make_blobs(
        n, d, centers=int(rng.integers(1, 8)),
        cluster_std=float(rng.uniform(0.5, 3.0)), random_state=seed,
    )  # fmt: skip
    if rng.random() < 0.3:
        X = X.astype(np.float32)
    if rng.random() < 0.2:
        X = sp.csr_matrix(np.where(np.abs(X) < 2, 0, X))
    weights = rng.uniform(0, 3, size=n) if rng.random() < 0.3 else None
    return X, weights


def _common(rng, n_samples):
    return {
        "n_clusters": int(rng.integers(1, min(12, n_samples))),
        "random_state": int(rng.integers(100)),
        "n_init": int(rng.choice([1, 3])),
        "init": str(rng.choice(["k-means++", "random"])),
        "tol": float(rng.choice([1e-4, 0.0, 1e-2])),
        "max_iter": int(rng.choice([300, 5])),
    }


def _assert_same_clustering(ours, theirs, params, dtype):
    if dtype == np.float64:
        assert ours.n_iter_ == theirs.n_iter_, params
        assert_array_equal(ours.labels_, theirs.labels_, err_msg=str(params))
        assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-4)
    else:
        assert np.mean(ours.labels_ != theirs.labels_) <= 0.01, params
        assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-3)


def _specific(rng, name):
    """Parameters only one of the two k-means estimators has."""
    if name == "KMeans":
        return {"algorithm": str(rng.choice(["lloyd", "elkan"]))}
    return {
        "batch_size": int(rng.choice([16, 100, 1024])),
        "max_no_improvement": int(rng.choice([10, 3])),
        "reassignment_ratio": float(rng.choice([0.01, 0.2])),
    }


_PAIRS = {
    "KMeans": (KMeans, SkKMeans),
    "MiniBatchKMeans": (MiniBatchKMeans, SkMiniBatchKMeans),
}


@pytest.mark.parametrize("name", list(_PAIRS))
@pytest.mark.parametrize("seed", range(20))
def test_kmeans_random_settings_give_sklearns_clustering(seed, name):
    rng = np.random.default_rng(seed + (0 if name == "KMeans" else 1000))
    X, weights = _data(rng, seed)
    params = {**_common(rng, X.shape[0]), **_specific(rng, name)}
    ours_cls, ref_cls = _PAIRS[name]
    with warnings.catch_warnings():
        # Too few distinct points for the clusters: both warn alike.
        warnings.simplefilter("ignore")
        ours = ours_cls(**params).fit(X, sample_weight=weights)
        theirs = ref_cls(**params).fit(X, sample_weight=weights)
    _assert_same_clustering(ours, theirs, params, X.dtype)


@pytest.mark.parametrize("seed", range(20))
def test_dbscan_random_settings_give_sklearns_labels(seed):
    rng = np.random.default_rng(seed + 2000)
    n, d = int(rng.integers(5, 400)), int(rng.integers(2, 40))
    X = rng.normal(size=(n, d)) @ rng.normal(size=(d, d))
    params = {
        "eps": float(rng.uniform(0.5, 5.0)),
        "min_samples": int(rng.integers(1, 10)),
        "metric": str(rng.choice(["euclidean", "manhattan", "chebyshev", "cosine"])),
    }
    ours = DBSCAN(**params).fit(X)
    theirs = SkDBSCAN(**params).fit(X)
    assert_array_equal(ours.labels_, theirs.labels_, err_msg=str(params))
    assert_array_equal(ours.core_sample_indices_, theirs.core_sample_indices_)
