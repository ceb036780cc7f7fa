"""Minka's dimension selection: the vectorised evidence equals the textbook loop."""

from math import lgamma, log

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdeep.decomposition._mle import _assess_dimension, _infer_dimension


def reference_log_evidence(spectrum, rank, n_samples):
    """Minka (2000), eq. 30, written term by term with plain loops."""
    p = len(spectrum)
    if spectrum[rank - 1] < 1e-15:
        return -np.inf
    pu = -rank * log(2.0) + sum(
        lgamma((p - i + 1) / 2.0) - log(np.pi) * (p - i + 1) / 2.0
        for i in range(1, rank + 1)
    )
    pl = -sum(log(s) for s in spectrum[:rank]) * n_samples / 2.0
    v = max(1e-15, sum(spectrum[rank:]) / (p - rank))
    pv = -log(v) * n_samples * (p - rank) / 2.0
    m = p * rank - rank * (rank + 1.0) / 2.0
    pp = log(2.0 * np.pi) * (m + rank) / 2.0
    filled = list(spectrum[:rank]) + [v] * (p - rank)
    pa = 0.0
    for i in range(rank):
        for j in range(i + 1, p):
            pa += log(
                (spectrum[i] - spectrum[j]) * (1.0 / filled[j] - 1.0 / filled[i])
            ) + log(n_samples)
    return pu + pl + pv + pp - pa / 2.0 - rank * log(n_samples) / 2.0


@pytest.mark.parametrize("p", [2, 3, 7, 25])
@pytest.mark.parametrize("n_samples", [10, 500])
def test_every_rank_matches_the_loop(p, n_samples):
    rng = np.random.default_rng(p)
    spectrum = np.sort(rng.exponential(size=p) * rng.choice([1.0, 1e-3], p))[::-1]
    ours = [_assess_dimension(spectrum, r, n_samples) for r in range(1, p)]
    ref = [reference_log_evidence(spectrum, r, n_samples) for r in range(1, p)]
    assert_allclose(ours, ref, rtol=1e-10)
    assert _infer_dimension(spectrum, n_samples) == 1 + int(np.argmax(ref))


def test_vanishing_eigenvalues_and_bad_rank():
    spectrum = np.array([1.0, 1e-30, 1e-30, 1e-30])
    assert np.isfinite(_assess_dimension(spectrum, 1, 10))
    assert _assess_dimension(spectrum, 2, 10) == -np.inf
    assert _infer_dimension(spectrum, 10) == 1
    for rank in (0, 4):
        with pytest.raises(ValueError, match=r"\[1, n_features - 1\]"):
            _assess_dimension(spectrum, rank, 10)
