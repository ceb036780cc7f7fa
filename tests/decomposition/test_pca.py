"""PCA: parity with scikit-learn, sparse input, dtypes and bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn import decomposition as sk_decomposition
from sklearn.datasets import load_digits, load_iris

from skdeep.decomposition import PCA

EXACT_SOLVERS = ["full", "covariance_eigh", "arpack"]


def low_rank(n_samples, n_features, rank=5, noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    scales = np.linspace(10.0, 2.0, rank)
    X = (rng.standard_normal((n_samples, rank)) * scales) @ rng.standard_normal(
        (rank, n_features)
    )
    X += noise * rng.standard_normal((n_samples, n_features))
    return X + rng.uniform(-3, 3, n_features)


def assert_same_model(ours, ref, X, rtol=1e-8, atol=1e-8):
    assert ours.n_components_ == ref.n_components_
    assert_allclose(ours.components_, ref.components_, rtol=rtol, atol=atol)
    assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=rtol)
    assert_allclose(
        ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=rtol
    )
    assert_allclose(ours.singular_values_, ref.singular_values_, rtol=rtol)
    assert_allclose(ours.mean_, ref.mean_, rtol=rtol, atol=atol)
    assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-6)
    assert_allclose(ours.transform(X), ref.transform(X), rtol=rtol, atol=atol)


@pytest.mark.parametrize("solver", EXACT_SOLVERS)
@pytest.mark.parametrize("shape", [(200, 30), (30, 60)], ids=["tall", "wide"])
@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("n_components", [4, 12])
def test_exact_solvers_match_sklearn(solver, shape, whiten, n_components):
    # Kept components above the noise floor: whitening noise directions would
    # amplify round-off differences.
    X = low_rank(*shape, rank=n_components + 1)
    params = dict(
        n_components=n_components, svd_solver=solver, whiten=whiten, random_state=0
    )
    ours = PCA(**params).fit(X)
    ref = sk_decomposition.PCA(**params).fit(X)
    assert_same_model(ours, ref, X)
    assert_allclose(
        PCA(**params).fit_transform(X),
        sk_decomposition.PCA(**params).fit_transform(X),
        rtol=1e-8,
        atol=1e-8,
    )


def test_randomized_matches_sklearn_on_low_rank_data():
    X = low_rank(300, 80, rank=6, noise=1e-3)
    ours = PCA(6, svd_solver="randomized", random_state=1).fit(X)
    ref = sk_decomposition.PCA(6, svd_solver="full").fit(X)
    assert_allclose(ours.components_, ref.components_, atol=1e-6)
    assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-6)
    assert_allclose(ours.transform(X), ref.transform(X), atol=1e-5)


@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU", "none"])
@pytest.mark.parametrize("iterated_power", [0, 3])
def test_randomized_normalizers_recover_top_axes(normalizer, iterated_power):
    X = low_rank(200, 50, rank=3, noise=1e-4)
    pca = PCA(
        3,
        svd_solver="randomized",
        power_iteration_normalizer=normalizer,
        iterated_power=iterated_power,
        random_state=0,
    ).fit(X)
    ref = sk_decomposition.PCA(3, svd_solver="full").fit(X)
    assert_allclose(pca.components_, ref.components_, atol=1e-5)


@pytest.mark.parametrize("n_components", [0.95, 0.5, "mle"])
def test_n_components_selection_matches_sklearn(n_components):
    X = low_rank(300, 20, rank=4, noise=0.5)
    for solver in ["full", "covariance_eigh"]:
        ours = PCA(n_components, svd_solver=solver).fit(X)
        ref = sk_decomposition.PCA(n_components, svd_solver=solver).fit(X)
        assert ours.n_components_ == ref.n_components_
        assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-8)


def test_mle_finds_true_rank():
    X = low_rank(1000, 12, rank=3, noise=0.05)
    assert PCA("mle").fit(X).n_components_ == 3


@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "randomized"])
@pytest.mark.parametrize("whiten", [False, True])
def test_inverse_transform_reconstructs_at_full_rank(solver, whiten):
    X = low_rank(60, 8, rank=8, noise=0.1)
    pca = PCA(svd_solver=solver, whiten=whiten, random_state=0).fit(X)
    assert pca.n_components_ == 8
    assert_allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-9)


@pytest.mark.parametrize("solver", ["arpack", "covariance_eigh", "randomized"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_equals_dense(solver, fmt):
    rng = np.random.default_rng(0)
    X = sp.random(120, 40, density=0.2, format=fmt, random_state=rng)
    X = X @ sp.diags(rng.uniform(1, 5, 40)) + sp.random(120, 40, density=0.05)
    X = X.asformat(fmt)
    dense = X.toarray()
    params = dict(n_components=5, svd_solver=solver, random_state=0)
    if solver == "randomized":
        params["iterated_power"] = 30
    ours = PCA(**params).fit(X)
    ref = PCA(**params).fit(dense)
    assert_same_model(ours, ref, dense, rtol=1e-7, atol=1e-9)
    assert_allclose(ours.transform(X), ref.transform(dense), atol=1e-9)
    assert_allclose(PCA(**params).fit_transform(X), ours.transform(X), atol=1e-9)


def test_sparse_input_is_never_densified(monkeypatch):
    X = sp.random(50, 20, density=0.3, format="csr", random_state=0)

    def refuse(*args, **kwargs):
        raise AssertionError("X was densified")

    monkeypatch.setattr(type(X), "toarray", refuse)
    for solver in ["arpack", "randomized", "auto"]:
        PCA(3, svd_solver=solver, random_state=0).fit(X).transform(X)


def test_sparse_with_full_solver_raises_type_error():
    X = sp.random(20, 10, density=0.3, format="csr", random_state=0)
    with pytest.raises(TypeError, match='while "full" was passed'):
        PCA(2, svd_solver="full").fit(X)


@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "arpack", "randomized"])
def test_float32_is_preserved(solver):
    X = low_rank(100, 10).astype(np.float32)
    pca = PCA(3, svd_solver=solver, random_state=0).fit(X)
    ref = PCA(3, svd_solver=solver, random_state=0).fit(X.astype(np.float64))
    assert pca.components_.dtype == np.float32
    assert pca.explained_variance_.dtype == np.float32
    assert pca.transform(X).dtype == np.float32
    assert pca.fit_transform(X).dtype == np.float32
    assert_allclose(pca.components_, ref.components_, atol=1e-3)


def test_whitened_output_has_unit_variance():
    X = low_rank(200, 10, rank=10, noise=0.1)
    Z = PCA(4, whiten=True).fit_transform(X)
    assert_allclose(Z.std(axis=0, ddof=1), np.ones(4))


@pytest.mark.parametrize("solver", EXACT_SOLVERS)
def test_probabilistic_model_matches_sklearn(solver):
    X = load_iris().data
    ours = PCA(2, svd_solver=solver, random_state=0).fit(X)
    ref = sk_decomposition.PCA(2, svd_solver=solver, random_state=0).fit(X)
    assert_allclose(ours.get_covariance(), ref.get_covariance(), rtol=1e-8)
    assert_allclose(ours.get_precision(), ref.get_precision(), rtol=1e-7)
    assert_allclose(ours.get_covariance() @ ours.get_precision(), np.eye(4), atol=1e-9)
    assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-8)
    assert_allclose(ours.score(X), ref.score(X), rtol=1e-8)


def test_copy_false_centres_in_place_like_sklearn():
    X = low_rank(50, 6)
    ours_X, ref_X = X.copy(), X.copy()
    PCA(3, copy=False, svd_solver="full").fit(ours_X)
    sk_decomposition.PCA(3, copy=False, svd_solver="full").fit(ref_X)
    assert_allclose(ours_X, ref_X)
    X_kept = X.copy()
    PCA(3, svd_solver="full").fit(X_kept)
    assert_allclose(X_kept, X)


def test_auto_solver_choice_matches_sklearn():
    rng = np.random.default_rng(0)
    cases = [((10, 50), 5), ((1000, 50), 50), ((520, 505), 450), ((520, 505), 3)]
    for shape, k in cases:
        X = rng.uniform(size=shape)
        ours = PCA(k, random_state=0, iterated_power=1).fit(X)
        ref = sk_decomposition.PCA(k, random_state=0, iterated_power=1).fit(X)
        assert ours._fit_svd_solver == ref._fit_svd_solver


def test_feature_names_and_pandas_output():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(load_iris().data, columns=list("abcd"))
    pca = PCA(2).set_output(transform="pandas").fit(X)
    out = pca.transform(X)
    assert list(out.columns) == ["pca0", "pca1"]
    assert list(pca.feature_names_in_) == list("abcd")


def test_digits_parity_in_a_realistic_setting():
    X = load_digits().data
    for solver in EXACT_SOLVERS:
        ours = PCA(10, svd_solver=solver, random_state=0).fit(X)
        ref = sk_decomposition.PCA(10, svd_solver=solver, random_state=0).fit(X)
        assert_same_model(ours, ref, X, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize(
    "solver, n_components, message",
    [
        ("full", 7, r"n_components=7 must be between 0 and min\(n_samples"),
        ("covariance_eigh", 7, "must be between 0 and"),
        ("randomized", 7, r"must be between 1 and min\(n_samples, n_features\)=6"),
        ("arpack", 6, "must be strictly less than min"),
        ("arpack", "mle", "cannot be a string with svd_solver='arpack'"),
    ],
)
def test_bad_n_components(solver, n_components, message):
    X = low_rank(20, 6)
    with pytest.raises(ValueError, match=message):
        PCA(n_components, svd_solver=solver).fit(X)


def test_bad_input_raises_clear_errors():
    X = low_rank(20, 6)
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PCA(2).fit(X_nan)
    with pytest.raises(ValueError, match="1 sample"):
        PCA(1).fit(X[:1])
    with pytest.raises(ValueError, match="mle' is only supported"):
        PCA("mle").fit(X[:4])
    pca = PCA(2).fit(X)
    with pytest.raises(ValueError, match="features"):
        pca.transform(X[:, :4])


def test_failed_refit_keeps_previous_model():
    X = low_rank(20, 6)
    pca = PCA(2).fit(X)
    components = pca.components_.copy()
    with pytest.raises(ValueError):
        pca.set_params(n_components=50).fit(X)
    assert_allclose(pca.components_, components)


@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "arpack", "randomized"])
def test_constant_features_give_zero_variance_axes(solver):
    X = low_rank(40, 6, rank=3)
    X[:, [1, 4]] = 7.0
    pca = PCA(3, svd_solver=solver, whiten=True, random_state=0).fit(X)
    assert_allclose(pca.components_[:, [1, 4]], 0.0, atol=1e-8)
    assert np.isfinite(pca.transform(X)).all()
    with pytest.warns(UserWarning, match="zero variance"):
        constant = PCA(2, svd_solver="full").fit(np.ones((5, 3)))
    assert_allclose(constant.explained_variance_ratio_, 0.0)


def test_failed_refit_with_other_width_keeps_input_metadata():
    X = low_rank(20, 6)
    pca = PCA(2).fit(X)
    with pytest.raises(ValueError, match="must be between"):
        pca.set_params(n_components=30).fit(np.hstack([X, X]))
    assert pca.n_features_in_ == 6
    assert pca.transform(X).shape == (20, 2)


@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "arpack", "randomized"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_rejected_by_every_solver(solver, bad):
    X = low_rank(20, 6)
    X[4, 3] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        PCA(2, svd_solver=solver).fit(X)
