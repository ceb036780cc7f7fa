"""Run the decomposition tests with one BLAS thread.

The tests use small matrices, for which BLAS threads bring nothing; on a
machine shared with other jobs, threads spinning for a busy core slowed small
SVDs down tenfold.  Results do not depend on the thread count.
"""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _single_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
