"""BLAS thread-pool control (through threadpoolctl, a scikit-learn dependency).

numpy and scipy wheels each bundle their own OpenBLAS, each with its own pool
of threads.  After a product, OpenBLAS threads keep spinning for a while; if
the *other* library starts work meanwhile, both pools fight for the same
cores.  Code that alternates between the two (scipy's L-BFGS-B or LAPACK
steps around numpy matrix products) can run several times slower for it.
"""

from __future__ import annotations

import functools
import os
from contextlib import contextmanager

import numpy as np
import scipy.linalg  # noqa: F401  (scipy's BLAS must be loaded before the scan)
from joblib import cpu_count
from threadpoolctl import ThreadpoolController

__all__ = ["blas_controller", "secondary_blas_single_threaded", "usable_threads"]


@functools.cache
def blas_controller():
    """The BLAS libraries loaded in this process (scanned once: it costs ms).

    numpy's and scipy's are loaded by the imports of this module; libraries
    loaded later (another package's BLAS) are not controlled.
    """
    return ThreadpoolController().select(user_api="blas")


def _belongs_to_numpy(library):
    # Wheels keep numpy's BLAS in numpy.libs (or numpy/.dylibs): a path that
    # starts with numpy's package directory.
    numpy_dir = os.path.dirname(os.path.realpath(np.__file__))
    return os.path.realpath(library.filepath).startswith(numpy_dir)


@contextmanager
def secondary_blas_single_threaded():
    """Limit every BLAS library other than numpy's to one thread.

    Only when numpy has a BLAS of its own next to another one (scipy's): with
    a single shared library (conda, system BLAS) nothing is changed, so
    numpy's products keep all their threads.  Work routed to the secondary
    library here is level-1/small LAPACK work that gains nothing from threads.
    """
    controller = blas_controller()
    libraries = controller.lib_controllers
    others = [lib for lib in libraries if not _belongs_to_numpy(lib)]
    if not others or len(others) == len(libraries):
        yield
        return
    selected = controller.select(filepath=[lib.filepath for lib in others])
    with selected.limit(limits=1):
        yield


def usable_threads() -> int:
    """Cores for our own parallel passes, capped by ``OMP_NUM_THREADS`` when set.

    joblib's count follows CPU quotas (containers); joblib also sets
    ``OMP_NUM_THREADS`` in its worker processes (e.g. under
    ``GridSearchCV(n_jobs=...)``), so nested parallelism does not
    oversubscribe the machine; scikit-learn's OpenMP loops obey it too.
    """
    n_threads = _cpu_count()
    try:
        n_threads = min(n_threads, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        pass
    return max(1, n_threads)


@functools.cache
def _cpu_count():
    # joblib reads the cgroup quota files on every call: ask once.
    return cpu_count()
