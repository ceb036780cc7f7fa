"""BLAS thread-pool helpers: only the secondary library is limited."""

import numpy as np
import pytest
import scipy.linalg  # noqa: F401  (loads scipy's BLAS next to numpy's)
from threadpoolctl import threadpool_info

from skdeep.utils._threads import (
    _belongs_to_numpy,
    blas_controller,
    secondary_blas_single_threaded,
)


def _threads_by_path():
    return {
        info["filepath"]: info["num_threads"]
        for info in threadpool_info()
        if info["user_api"] == "blas"
    }


def test_only_the_non_numpy_blas_is_limited_and_restored():
    libraries = blas_controller().lib_controllers
    own = [lib.filepath for lib in libraries if _belongs_to_numpy(lib)]
    others = [lib.filepath for lib in libraries if not _belongs_to_numpy(lib)]
    if not own or not others:
        pytest.skip("numpy and scipy share one BLAS library here: nothing to limit")
    before = _threads_by_path()
    with secondary_blas_single_threaded():
        inside = _threads_by_path()
        # numpy products still work (and keep their threads) inside.
        assert np.allclose(np.eye(3) @ np.ones((3, 2)), 1.0)
    assert all(inside[path] == 1 for path in others)
    assert all(inside[path] == before[path] for path in own)
    assert _threads_by_path() == before


def test_numpy_blas_is_recognised():
    paths = [lib.filepath for lib in blas_controller().lib_controllers]
    if not any("numpy" in path for path in paths):
        pytest.skip("numpy uses a BLAS outside its package (system or conda)")
    assert any(_belongs_to_numpy(lib) for lib in blas_controller().lib_controllers)


def test_limit_is_undone_when_the_body_raises():
    before = _threads_by_path()
    with pytest.raises(RuntimeError):
        with secondary_blas_single_threaded():
            raise RuntimeError("boom")
    assert _threads_by_path() == before
