"""take_rows: the rows of ``X[index]``, through ``take`` where it can."""

import numpy as np
import pytest
import scipy.sparse as sp

from skdeep.utils._indexing import take_rows


@pytest.mark.parametrize(
    "index",
    [
        np.array([3, 0, 3, 9]),
        np.array([-1, -10, 2], dtype=np.int32),
        np.array([], dtype=np.intp),
        np.array([5], dtype=np.uint16),
        slice(2, 7),
        np.arange(10) % 3 == 0,
        [4, 1],
    ],
    ids=["intp", "negative-int32", "empty", "uint16", "slice", "mask", "list"],
)
@pytest.mark.parametrize("kind", ["dense", "fortran", "1d", "csr"])
def test_take_rows_equals_indexing(index, kind):
    X = np.arange(40.0).reshape(10, 4)
    X = {
        "dense": X,
        "fortran": np.asfortranarray(X),
        "1d": X[:, 0].copy(),
        "csr": sp.csr_matrix(X),
    }[kind]
    got, expected = take_rows(X, index), X[index]
    assert type(got) is type(expected)
    if sp.issparse(X):
        got, expected = got.toarray(), expected.toarray()
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape


def test_take_rows_copies_and_refuses_out_of_range():
    X = np.zeros((3, 2))
    rows = take_rows(X, np.array([0, 1]))
    rows[...] = 1.0
    assert not X.any()
    with pytest.raises(IndexError):
        take_rows(X, np.array([3]))


def test_take_rows_full_slice_is_x_itself():
    X = np.arange(12.0).reshape(4, 3)
    S = sp.csr_matrix(X)
    for index in (slice(None), slice(0, 4), slice(0, 10)):
        assert take_rows(S, index) is S  # no copy of every stored entry
        assert take_rows(X, index) is X
    assert take_rows(S, slice(1, 4)) is not S
    assert take_rows(S, slice(0, 4, 2)).shape == (2, 3)
