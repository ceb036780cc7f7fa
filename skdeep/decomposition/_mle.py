"""Minka's Bayesian model selection for the PCA dimension (``n_components="mle"``).

T. P. Minka, "Automatic choice of dimensionality for PCA", NIPS 2000.  The
evidence of a rank-``k`` probabilistic PCA model is evaluated from the
covariance spectrum alone.  Every rank is scored at once: the only quadratic
term, a sum over eigenvalue pairs, is assembled from prefix sums instead of a
double loop per rank.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

_EPS = 1e-15


def _pair_terms(spectrum):
    """Pair sums of Minka's ``log |A_Z|`` term for every rank ``r``.

    Returns ``inner[r]``, the sum over ``i < j < r`` of
    ``log((l_i - l_j) (1/l_j - 1/l_i))``, and ``cross[r]``, the sum over
    ``i < r <= j`` of ``log(l_i - l_j)``; both of shape ``(n_features,)``.
    """
    p = spectrum.shape[0]
    upper = np.triu(np.ones((p, p), dtype=bool), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        gaps = np.where(upper, np.log(spectrum[:, None] - spectrum[None, :]), 0.0)
        inv_gaps = np.where(
            upper, np.log(1.0 / spectrum[None, :] - 1.0 / spectrum[:, None]), 0.0
        )
    # inner[r] = sum over i < j < r of log((l_i - l_j) (1/l_j - 1/l_i))
    inner = np.concatenate(([0.0], np.cumsum((gaps + inv_gaps).sum(axis=0))))
    # cross[r] = sum over i < r <= j of log(l_i - l_j)
    suffix = np.cumsum(gaps[:, ::-1], axis=1)[:, ::-1]
    below = np.cumsum(suffix, axis=0)
    cross = np.zeros(p + 1)
    cross[1:p] = below[np.arange(p - 1), np.arange(1, p)]
    return inner[:p], cross[:p]


def _minka_log_likelihoods(spectrum, n_samples):
    """Log-evidence of every rank ``0 .. n_features - 1`` (rank 0 is ``-inf``).

    Parameters
    ----------
    spectrum : ndarray of shape (n_features,)
        Covariance eigenvalues in decreasing order.
    n_samples : int

    Returns
    -------
    ll : ndarray of shape (n_features,)
    """
    s = np.asarray(spectrum, dtype=np.float64)
    p, n = s.shape[0], float(n_samples)
    ranks = np.arange(p, dtype=np.float64)
    dims = p - ranks  # n_features - rank, also (p - i + 1) for i = rank
    ll = np.full(p, -np.inf)
    if p < 2:
        return ll
    pu = -ranks * np.log(2.0)
    per_rank = gammaln(dims / 2.0) - np.log(np.pi) * dims / 2.0
    pu += np.concatenate(([0.0], np.cumsum(per_rank)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(s)
        pl = -np.concatenate(([0.0], np.cumsum(log_s)[:-1])) * n / 2.0
        tail = np.cumsum(s[::-1])[::-1]  # tail[r] = sum(s[r:])
        v = np.maximum(_EPS, tail / dims)
        pv = -np.log(v) * n * dims / 2.0
        m = p * ranks - ranks * (ranks + 1.0) / 2.0
        pp = np.log(2.0 * np.pi) * (m + ranks) / 2.0
        inner, cross = _pair_terms(s)
        # log(1/v_r - 1/l_i) summed over i < r, each counted (p - r) times.
        left = np.log(1.0 / v[None, :] - 1.0 / s[:, None])
        left = np.where(np.triu(np.ones((p, p), dtype=bool), 1), left, 0.0)
        straddle = left.sum(axis=0) * dims
        n_pairs = ranks * (p - 1) - ranks * (ranks - 1) / 2.0
        pa = inner + cross + straddle + n_pairs * np.log(n)
        scores = pu + pl + pv + pp - pa / 2.0 - ranks * np.log(n) / 2.0
    valid = np.zeros(p, dtype=bool)
    valid[1:] = s[:-1] >= _EPS  # the rank-th eigenvalue must not vanish
    valid &= np.isfinite(scores)
    ll[valid] = scores[valid]
    return ll


def _assess_dimension(spectrum, rank, n_samples):
    """Log-evidence of a rank-``rank`` PCA model of data with ``spectrum``.

    Parameters
    ----------
    spectrum : ndarray of shape (n_features,)
        Covariance eigenvalues in decreasing order.
    rank : int
        Tested rank, in ``[1, n_features - 1]``.
    n_samples : int
        Number of samples the spectrum was estimated from.

    Returns
    -------
    ll : float
        Log-likelihood (``-inf`` when the ``rank``-th eigenvalue vanishes).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.decomposition._mle import _assess_dimension
    >>> bool(_assess_dimension(np.array([5.0, 0.1, 0.1]), 1, 100) > -np.inf)
    True
    """
    n_features = np.shape(spectrum)[0]
    if not 1 <= rank < n_features:
        raise ValueError("the tested rank should be in [1, n_features - 1]")
    return float(_minka_log_likelihoods(spectrum, n_samples)[rank])


def _infer_dimension(spectrum, n_samples):
    """Rank in ``[1, n_features - 1]`` maximising Minka's evidence.

    Parameters
    ----------
    spectrum : ndarray of shape (n_features,)
        Covariance eigenvalues in decreasing order.
    n_samples : int

    Returns
    -------
    rank : int

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.decomposition._mle import _infer_dimension
    >>> int(_infer_dimension(np.array([9.0, 0.012, 0.011, 0.01]), 50))
    1
    """
    return int(np.argmax(_minka_log_likelihoods(spectrum, n_samples)))
