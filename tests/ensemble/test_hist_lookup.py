"""BinLookup: the bins of np.searchsorted, for every column at once."""

import numpy as np
import pytest

from skdeep.ensemble import _hist_lookup
from skdeep.ensemble._hist_binning import BinMapper
from skdeep.ensemble._hist_lookup import BinLookup


def _columns(rng, n):
    """Columns of awkward distributions (fit data) and matching probes."""
    cauchy = rng.standard_cauchy(n)
    cauchy[rng.rand(n) < 0.01] = 1e300  # a span that overflows to inf
    return np.column_stack(
        [
            rng.normal(size=n),
            cauchy,
            rng.randint(0, 5, n).astype(float),  # few distinct values
            np.full(n, 3.0),  # constant: no threshold
            np.where(rng.rand(n) < 0.5, 0.0, 1.0),  # one threshold
            rng.exponential(size=n) ** 4,  # crowded near zero
            rng.normal(size=n) * 1e-12 + 5.0,  # tiny span
            np.where(rng.rand(n) < 0.9, 0.0, rng.normal(size=n) * 1e6),
        ]
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("max_bins", [255, 17, 2])
def test_bins_equal_searchsorted_for_every_column(dtype, max_bins):
    rng = np.random.RandomState(0)
    X = _columns(rng, 3000)
    mapper = BinMapper(max_bins=max_bins).fit(X)
    probe = np.vstack([X, _columns(rng, 2000) * 1.5, X + 1e-9])
    probe[rng.rand(*probe.shape) < 0.02] = np.nan
    probe[0] = np.inf
    probe[1] = -np.inf
    probe[2] = [t[0] if t.size else 0.0 for t in mapper.bin_thresholds_]
    probe[3] = [t[-1] if t.size else 0.0 for t in mapper.bin_thresholds_]
    with np.errstate(over="ignore"):
        probe = probe.astype(dtype)  # float32: 1e300 becomes inf
    lookup = BinLookup(mapper.bin_thresholds_)
    got = lookup.bins(probe)
    for j, thresholds in enumerate(mapper.bin_thresholds_):
        known = ~np.isnan(probe[:, j])
        expected = np.searchsorted(thresholds, probe[known, j], side="left")
        np.testing.assert_array_equal(got[known, j], expected)
    binned = mapper.transform(probe)
    assert binned.dtype == np.uint8 and binned.flags.c_contiguous
    np.testing.assert_array_equal(np.isnan(probe), binned == mapper.missing_bin_)


def test_crowded_and_overflowing_features_fall_back_to_binary_search(monkeypatch):
    rng = np.random.RandomState(1)
    X = _columns(rng, 3000)
    lookup = BinLookup(BinMapper().fit(X).bin_thresholds_)
    assert 1 in lookup.searched.tolist()  # the 1e300 span overflows
    monkeypatch.setattr(_hist_lookup, "_MAX_STEPS", 0)
    crowded = BinLookup(BinMapper().fit(X).bin_thresholds_)
    assert crowded.searched.size > lookup.searched.size
    np.testing.assert_array_equal(crowded.bins(X), lookup.bins(X))


def test_chunks_give_the_same_bins(monkeypatch):
    rng = np.random.RandomState(2)
    X = rng.normal(size=(1000, 6))
    lookup = BinLookup(BinMapper().fit(X).bin_thresholds_)
    whole = lookup.bins(X)
    monkeypatch.setattr(_hist_lookup, "_CHUNK_VALUES", 50)
    np.testing.assert_array_equal(lookup.bins(X), whole)
