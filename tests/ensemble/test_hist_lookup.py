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


def _probe(rng, X, mapper, dtype):
    probe = np.vstack([X, _columns(rng, 2000) * 1.5, X + 1e-9])
    probe[rng.rand(*probe.shape) < 0.02] = np.nan
    probe[0] = np.inf
    probe[1] = -np.inf
    probe[2] = [t[0] if t.size else 0.0 for t in mapper.bin_thresholds_]
    probe[3] = [t[-1] if t.size else 0.0 for t in mapper.bin_thresholds_]
    with np.errstate(over="ignore"):
        return probe.astype(dtype)  # float32: 1e300 becomes inf


@pytest.mark.parametrize("search_all", [False, True])
@pytest.mark.parametrize("min_thresholds", [32, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("max_bins", [255, 17, 2])
def test_bins_equal_searchsorted_for_every_column(
    monkeypatch, min_thresholds, dtype, max_bins, search_all
):
    """Per-column paths, and the one complex search of small batches."""
    monkeypatch.setattr(_hist_lookup, "_MIN_THRESHOLDS", min_thresholds)
    monkeypatch.setattr(_hist_lookup, "_SMALL_VALUES", 10**9 if search_all else 0)
    rng = np.random.RandomState(0)
    X = _columns(rng, 3000)
    mapper = BinMapper(max_bins=max_bins).fit(X)
    probe = _probe(rng, X, mapper, dtype)
    binned = mapper.transform(probe)
    assert binned.dtype == np.uint8 and binned.flags.c_contiguous
    missing = np.isnan(probe)
    np.testing.assert_array_equal(missing, binned == mapper.missing_bin_)
    for j, thresholds in enumerate(mapper.bin_thresholds_):
        known = ~missing[:, j]
        expected = np.searchsorted(thresholds, probe[known, j], side="left")
        np.testing.assert_array_equal(binned[known, j], expected)


def test_only_features_with_many_spread_thresholds_are_gridded(monkeypatch):
    rng = np.random.RandomState(1)
    thresholds = BinMapper().fit(_columns(rng, 3000)).bin_thresholds_
    gridded = BinLookup(thresholds).gridded.tolist()
    assert 0 in gridded  # normal: 254 thresholds
    assert 1 not in gridded  # the 1e300 span overflows
    assert not {2, 3, 4} & set(gridded)  # few thresholds: binary search
    monkeypatch.setattr(_hist_lookup, "_MAX_STEPS", 0)
    assert BinLookup(thresholds).gridded.size < len(gridded)


@pytest.mark.parametrize("n_features", [6, 40])
def test_chunks_and_column_subsets_give_the_same_bins(monkeypatch, n_features):
    rng = np.random.RandomState(2)
    X = rng.normal(size=(1000, n_features))
    X[:, ::3] = rng.randint(0, 4, size=X[:, ::3].shape)  # a few searched columns
    mapper = BinMapper().fit(X)
    whole = mapper.transform(X)
    monkeypatch.setattr(_hist_lookup, "_CHUNK_VALUES", 50)
    np.testing.assert_array_equal(BinMapper().fit(X).transform(X), whole)
    for j, thresholds in enumerate(mapper.bin_thresholds_):
        np.testing.assert_array_equal(whole[:, j], np.searchsorted(thresholds, X[:, j]))
