"""explained_variance_curve: every point equals an explicit PCA reconstruction."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skdeep.decomposition import PCA, explained_variance_curve


def data(seed=0):
    rng = np.random.default_rng(seed)
    X = (
        rng.standard_normal((120, 4))
        * [6.0, 3.0, 2.0, 1.0]
        @ rng.standard_normal((4, 10))
    )
    return X + 0.3 * rng.standard_normal((120, 10)) + 2.0


def reconstruction_error(X, k, fitted_on):
    pca = PCA(k, svd_solver="full").fit(fitted_on)
    residual = X - pca.inverse_transform(pca.transform(X))
    return np.mean(np.sum(residual**2, axis=1))


def test_curve_equals_explicit_reconstructions():
    X, X_test = data(0), data(1)
    curve = explained_variance_curve(X, X_test=X_test, svd_solver="full")
    assert_allclose(curve.n_components, np.arange(1, 11))
    expected_train = [reconstruction_error(X, k, X) for k in range(1, 11)]
    expected_test = [reconstruction_error(X_test, k, X) for k in range(1, 11)]
    assert_allclose(curve.reconstruction_error, expected_train, atol=1e-9)
    assert_allclose(curve.test_reconstruction_error, expected_test, atol=1e-9)
    ratio = PCA(svd_solver="full").fit(X).explained_variance_ratio_
    assert_allclose(curve.cumulative_explained_variance_ratio, np.cumsum(ratio))


def test_thresholds_agree_with_fractional_n_components():
    X = data()
    curve = explained_variance_curve(X, thresholds=(0.5, 0.9, 0.99))
    for t, k in curve.n_components_for.items():
        assert k == PCA(t, svd_solver="full").fit(X).n_components_
    short = explained_variance_curve(X, max_components=1, thresholds=(0.999,))
    assert short.n_components_for == {0.999: None}


def test_sparse_input_and_bad_thresholds():
    X = sp.random(60, 8, density=0.4, format="csr", random_state=0)
    curve = explained_variance_curve(X, max_components=3, svd_solver="arpack")
    dense = explained_variance_curve(X.toarray(), max_components=3, X_test=X)
    assert_allclose(curve.reconstruction_error, dense.reconstruction_error)
    assert_allclose(dense.test_reconstruction_error, dense.reconstruction_error)
    with pytest.raises(ValueError, match="thresholds must lie in"):
        explained_variance_curve(X.toarray(), thresholds=(1.5,))
