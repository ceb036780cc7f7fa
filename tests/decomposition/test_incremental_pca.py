"""IncrementalPCA: agreement with PCA/scikit-learn, memmaps, sparse, bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn import decomposition as sk_decomposition

from skdeep.decomposition import PCA, IncrementalPCA


def low_rank(n_samples=400, n_features=12, rank=4, seed=0):
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((n_samples, rank)) * [8.0, 5.0, 3.0, 2.0][:rank]) @ (
        rng.standard_normal((rank, n_features))
    )
    return X + 0.05 * rng.standard_normal((n_samples, n_features)) + 4.0


@pytest.mark.parametrize("n_components", [3, None])
def test_matches_sklearn_incremental_pca(n_components):
    X = low_rank()
    ours = IncrementalPCA(n_components, batch_size=60).fit(X)
    ref = sk_decomposition.IncrementalPCA(n_components, batch_size=60).fit(X)
    for name in [
        "components_",
        "explained_variance_",
        "explained_variance_ratio_",
        "singular_values_",
        "mean_",
        "var_",
    ]:
        assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-8, atol=1e-10)
    assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-6, atol=1e-12)
    assert ours.n_samples_seen_ == ref.n_samples_seen_ == 400
    assert_allclose(ours.transform(X), ref.transform(X), atol=1e-8)


def test_batches_approximate_pca():
    X = low_rank()
    ipca = IncrementalPCA(4, batch_size=50).fit(X)
    pca = PCA(4, svd_solver="full").fit(X)
    assert_allclose(ipca.components_, pca.components_, atol=1e-4)
    assert_allclose(ipca.explained_variance_, pca.explained_variance_, rtol=1e-4)
    assert_allclose(ipca.transform(X), pca.transform(X), atol=1e-3)


def test_partial_fit_sequence_equals_fit():
    X = low_rank()
    fitted = IncrementalPCA(3, batch_size=100).fit(X)
    streamed = IncrementalPCA(3)
    for start in range(0, 400, 100):
        streamed.partial_fit(X[start : start + 100])
    assert_allclose(streamed.components_, fitted.components_, rtol=1e-10, atol=1e-12)
    assert_allclose(streamed.mean_, X.mean(axis=0))
    assert_allclose(streamed.var_, X.var(axis=0))


def test_memmap_is_read_batch_by_batch(tmp_path):
    X = low_rank()
    mm = np.memmap(tmp_path / "x.dat", dtype=np.float64, mode="w+", shape=X.shape)
    mm[:] = X
    mm.flush()
    readonly = np.memmap(tmp_path / "x.dat", dtype=np.float64, mode="r", shape=X.shape)
    ipca = IncrementalPCA(3, batch_size=80).fit(readonly)
    ref = IncrementalPCA(3, batch_size=80).fit(X)
    assert_allclose(ipca.components_, ref.components_)
    assert_allclose(ipca.transform(readonly), ref.transform(X))


@pytest.mark.parametrize("fmt", ["csr", "csc", "lil"])
def test_sparse_fit_equals_dense_fit(fmt):
    rng = np.random.default_rng(0)
    X = sp.random(200, 15, density=0.3, format=fmt, random_state=rng)
    dense = X.toarray()
    ours = IncrementalPCA(4, batch_size=50).fit(X)
    ref = IncrementalPCA(4, batch_size=50).fit(dense)
    assert_allclose(ours.components_, ref.components_, atol=1e-12)
    assert_allclose(ours.transform(X), ref.transform(dense), atol=1e-12)
    with pytest.raises(TypeError, match="does not support sparse input"):
        ours.partial_fit(X)


def test_float32_is_preserved():
    X = low_rank().astype(np.float32)
    ipca = IncrementalPCA(3, batch_size=100).fit(X)
    assert ipca.components_.dtype == np.float32
    assert ipca.transform(X).dtype == np.float32
    ref = IncrementalPCA(3, batch_size=100).fit(X.astype(np.float64))
    assert_allclose(ipca.components_, ref.components_, atol=1e-3)


def test_whitening_and_inverse_transform():
    X = low_rank(n_features=4, rank=4)
    ipca = IncrementalPCA(whiten=True, batch_size=100).fit(X)
    Z = ipca.transform(X)
    assert_allclose(Z.std(axis=0, ddof=1), np.ones(4), rtol=1e-8)
    assert_allclose(ipca.inverse_transform(Z), X, atol=1e-8)
    assert_allclose(ipca.get_covariance() @ ipca.get_precision(), np.eye(4), atol=1e-8)


def test_bad_input():
    X = low_rank(n_samples=10, n_features=5)
    with pytest.raises(ValueError, match="invalid for n_features=5"):
        IncrementalPCA(6).fit(X)
    with pytest.raises(ValueError, match="must be less or equal to the batch"):
        IncrementalPCA(4).partial_fit(X[:3])
    X_nan = X.copy()
    X_nan[7, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        IncrementalPCA(2, batch_size=5).fit(X_nan)
    with pytest.raises(ValueError, match="1 sample"):
        IncrementalPCA().partial_fit(X[:1])
    streamed = IncrementalPCA(2).partial_fit(X[:2]).partial_fit(X[2:3])
    assert streamed.n_samples_seen_ == 3


def test_failed_update_leaves_model_untouched():
    X = low_rank()
    ipca = IncrementalPCA(3, batch_size=100).fit(X)
    before = ipca.components_.copy(), ipca.n_samples_seen_
    ipca.set_params(n_components=2)
    with pytest.raises(ValueError, match="between calls to partial_fit"):
        ipca.partial_fit(X[:50])
    assert_allclose(ipca.components_, before[0])
    assert ipca.n_samples_seen_ == before[1]
    X_nan = X.copy()
    X_nan[350, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        ipca.set_params(n_components=3).fit(X_nan)
    assert_allclose(ipca.components_, before[0])


def test_failed_refit_with_other_width_keeps_input_metadata():
    X = low_rank()
    ipca = IncrementalPCA(3, batch_size=100).fit(X)
    wide = np.hstack([X, X])
    wide[5, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ipca.fit(wide)
    assert ipca.n_features_in_ == 12
    assert ipca.transform(X).shape == (400, 3)


def test_fit_on_memmap_never_holds_the_whole_array(tmp_path):
    import tracemalloc

    shape = (20_000, 50)  # 8 MB on disk
    mm = np.memmap(tmp_path / "big.dat", dtype=np.float64, mode="w+", shape=shape)
    mm[:] = np.random.default_rng(0).standard_normal(shape)
    mm.flush()
    readonly = np.memmap(tmp_path / "big.dat", dtype=np.float64, mode="r", shape=shape)
    tracemalloc.start()
    try:
        IncrementalPCA(5, batch_size=500).fit(readonly)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # a few batches, far below the 8 MB array
