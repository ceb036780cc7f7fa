"""BinMapper's bin edges against their definition (midpoints of the distinct
values, or numpy's "midpoint" percentiles), on awkward columns and on the
threaded path for large inputs."""

import numpy as np
import pytest

from skdeep.ensemble._hist_binning import BinMapper


def _definition(column, max_bins):
    values = column[~np.isnan(column)]
    distinct = np.unique(values)
    if distinct.size <= max_bins:
        return (distinct[:-1] + distinct[1:]) * 0.5
    ranks = np.linspace(0, 100, max_bins + 1)[1:-1]
    return np.unique(np.percentile(values, ranks, method="midpoint"))


def _awkward_columns(rng, n_rows):
    return np.column_stack(
        [
            rng.normal(size=n_rows),
            np.round(rng.standard_cauchy(size=n_rows), 1),  # heavy ties
            rng.integers(0, 300, size=n_rows).astype(float),  # just above 255
            rng.integers(0, 255, size=n_rows).astype(float),  # just below
            np.where(rng.random(n_rows) < 0.4, np.nan, rng.normal(size=n_rows)),
            np.where(rng.random(n_rows) < 0.97, 0.0, rng.normal(size=n_rows)),
            np.full(n_rows, 3.5),
            np.full(n_rows, np.nan),
            np.r_[np.zeros(n_rows // 2), -np.zeros(n_rows - n_rows // 2)],
            rng.normal(size=n_rows) * 1e-300,
        ]
    )


@pytest.mark.parametrize("max_bins", [255, 17, 2])
@pytest.mark.parametrize("n_rows", [1, 2, 5, 257, 3001])
def test_edges_follow_their_definition(max_bins, n_rows):
    X = _awkward_columns(np.random.default_rng(n_rows), n_rows)
    mapper = BinMapper(max_bins=max_bins).fit(X)
    for j, edges in enumerate(mapper.bin_thresholds_):
        expected = _definition(X[:, j], max_bins)
        assert edges.dtype == expected.dtype
        np.testing.assert_array_equal(edges, expected, err_msg=f"column {j}")


@pytest.mark.parametrize("block_values", [1 << 23, 50_000])  # 2 or 29 blocks
def test_large_inputs_take_the_threaded_sort_and_give_the_same_edges(
    monkeypatch, block_values
):
    from skdeep.ensemble import _hist_binning

    monkeypatch.setattr(_hist_binning, "_SORT_BLOCK_VALUES", block_values)
    rng = np.random.default_rng(0)
    X = np.tile(_awkward_columns(rng, 12_000), 12)  # 1.4 million values
    mapper = BinMapper().fit(X)
    assert len(mapper.bin_thresholds_) == X.shape[1]
    for j in (0, 1, 4, 5, 7, 60, 65, 119):
        np.testing.assert_array_equal(
            mapper.bin_thresholds_[j], _definition(X[:, j], 255)
        )
    assert mapper.n_bins_ == 256
