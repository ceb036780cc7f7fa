"""PCA on array API inputs (array-api-strict) under scikit-learn's dispatch.

scipy reads ``SCIPY_ARRAY_API`` when it is imported, and scikit-learn only
enables ``array_api_dispatch`` with it set, so the checks below run in a child
pytest process started with it; in the parent, one test starts that child.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris

from skdeep.decomposition import PCA

IN_CHILD = os.environ.get("SCIPY_ARRAY_API") == "1"
child_only = pytest.mark.skipif(not IN_CHILD, reason="runs in the child process")
X = load_iris().data


@pytest.mark.skipif(IN_CHILD, reason="this is the child process")
def test_array_api_checks_pass_in_a_child_process():
    try:
        import array_api_strict  # noqa: F401
    except Exception as error:  # not installed, or too new for this numpy
        pytest.skip(f"array-api-strict unavailable: {error!r}")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__]
    env = {**os.environ, "SCIPY_ARRAY_API": "1"}
    child = subprocess.run(command, env=env, capture_output=True, text=True)
    assert child.returncode == 0, child.stdout[-4000:] + child.stderr[-2000:]
    if " passed" not in child.stdout:
        pytest.skip(f"array API dispatch unavailable: {child.stdout[-500:]}")


@pytest.fixture
def xp():
    """array-api-strict with scikit-learn's dispatch on (skip if unavailable)."""
    strict = pytest.importorskip("array_api_strict")
    from sklearn import config_context

    try:
        with config_context(array_api_dispatch=True):
            yield strict
    except ImportError as error:  # e.g. scikit-learn < 1.7 without array_api_compat
        pytest.skip(str(error))


def _array_type(xp):
    return type(xp.asarray(0.0))


def _numpy(array):
    from sklearn.utils._array_api import _convert_to_numpy, get_namespace

    return _convert_to_numpy(array, get_namespace(array)[0])


@child_only
@pytest.mark.parametrize(
    "params",
    [
        dict(n_components=2),
        dict(n_components=2, svd_solver="full", whiten=True),
        dict(n_components=0.95, svd_solver="covariance_eigh"),
        dict(n_components=3, svd_solver="randomized", power_iteration_normalizer="QR"),
    ],
)
def test_fit_and_methods_stay_in_the_input_namespace(xp, params):
    ref = PCA(random_state=0, **params).fit(X)
    est = PCA(random_state=0, **params).fit(xp.asarray(X))
    assert isinstance(est.components_, _array_type(xp))
    assert isinstance(est.noise_variance_, _array_type(xp))  # 0-d, as scikit-learn's
    for name in ("components_", "explained_variance_", "mean_", "singular_values_"):
        assert_allclose(_numpy(getattr(est, name)), getattr(ref, name))
    assert est.n_components_ == ref.n_components_
    X_xp = xp.asarray(X)
    scores = est.transform(X_xp)
    assert isinstance(scores, _array_type(xp))
    assert_allclose(_numpy(scores), ref.transform(X))
    assert_allclose(_numpy(est.fit_transform(X_xp)), ref.fit_transform(X))
    assert_allclose(
        _numpy(est.inverse_transform(scores)), ref.inverse_transform(ref.transform(X))
    )
    assert_allclose(_numpy(est.get_precision()), ref.get_precision())
    assert_allclose(_numpy(est.score_samples(X_xp)), ref.score_samples(X))
    assert est.score(X_xp) == pytest.approx(ref.score(X))


@child_only
def test_other_devices_and_float32(xp):
    device = xp.Device("device1")
    X32 = xp.asarray(X.astype(np.float32), device=device)
    est = PCA(n_components=2).fit(X32)
    assert est.components_.device == device and est.components_.dtype == xp.float32
    assert est.transform(X32).device == device


@child_only
def test_unsupported_settings_raise_or_warn_as_scikit_learn(xp):
    X_xp = xp.asarray(X)
    with pytest.raises(ValueError, match="svd_solver='arpack' is not supported"):
        PCA(n_components=2, svd_solver="arpack").fit(X_xp)
    with pytest.raises(ValueError, match="does not support LU factorization. Set"):
        PCA(2, svd_solver="randomized", power_iteration_normalizer="LU").fit(X_xp)
    with pytest.warns(UserWarning, match="falling back to QR"):
        warned = PCA(2, svd_solver="randomized", random_state=0).fit(X_xp)
    qr = PCA(
        2, svd_solver="randomized", power_iteration_normalizer="QR", random_state=0
    )
    assert_allclose(_numpy(warned.components_), qr.fit(X).components_)
    assert warned.power_iteration_normalizer == "auto"  # the parameter is kept


@child_only
def test_inputs_from_another_namespace_than_the_fit_are_refused(xp):
    est = PCA(n_components=2).fit(xp.asarray(X))
    with pytest.raises(ValueError, match=r"PCA.transform\(\) must use the same"):
        est.transform(X)
    with pytest.raises(ValueError, match=r"PCA.inverse_transform\(\) must use"):
        est.inverse_transform(np.zeros((2, 2)))


@child_only
def test_a_failed_fit_keeps_the_fitted_model(xp):
    est = PCA(n_components=2).fit(xp.asarray(X))
    components = _numpy(est.components_)
    with pytest.raises(ValueError, match="arpack"):
        est.set_params(svd_solver="arpack").fit(xp.asarray(X[:, :3] * 2.0))
    assert_allclose(_numpy(est.components_), components)
    assert est.n_features_in_ == 4


@child_only
def test_without_dispatch_nothing_changes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = PCA(n_components=2, svd_solver="randomized", random_state=0).fit(X)
    assert isinstance(est.components_, np.ndarray)
    assert isinstance(est.noise_variance_, float)
