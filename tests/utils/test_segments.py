"""Bulk gathering of CSR-like row segments."""

import numpy as np
import pytest

from skdeep.utils._segments import gather_ranges, gather_segments, segment_owners


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_segments_equal_a_loop_over_rows(seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, size=12)  # empty rows included
    indptr = np.concatenate([[0], np.cumsum(counts)])
    rows = rng.choice(12, size=7, replace=seed == 2)
    positions, owner = gather_segments(indptr, rows)
    expected = [np.arange(indptr[r], indptr[r + 1]) for r in rows]
    np.testing.assert_array_equal(positions, np.concatenate(expected))
    np.testing.assert_array_equal(
        owner, np.concatenate([np.full(e.size, i) for i, e in enumerate(expected)])
    )
    np.testing.assert_array_equal(
        segment_owners(indptr), np.repeat(np.arange(12), counts)
    )


def test_ranges_may_overlap_and_be_empty():
    starts, counts = np.array([4, 0, 2, 3]), np.array([3, 0, 2, 1])
    positions, owner = gather_ranges(starts, counts)
    expected = [np.arange(s, s + c) for s, c in zip(starts, counts)]
    np.testing.assert_array_equal(positions, np.concatenate(expected))
    np.testing.assert_array_equal(owner, [0, 0, 0, 2, 2, 3])
