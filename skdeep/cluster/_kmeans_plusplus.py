"""k-means++ seeding: D(x)² sampling with greedy local trials."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array, check_random_state

from ..utils import Interval, validate_parameter_constraints
from ..utils._indexing import take_rows
from ..utils.validation import check_sample_weight
from ._k_means_common import single_threaded_blas, squared_norms, transposed_copy

__all__ = ["kmeans_plusplus"]

_CONSTRAINTS = {
    "X": ["array-like", "sparse matrix"],
    "n_clusters": [Interval(Integral, 1, None, closed="left")],
    "sample_weight": ["array-like", None],
    "x_squared_norms": ["array-like", None],
    "random_state": ["random_state"],
    "n_local_trials": [Interval(Integral, 1, None, closed="left"), None],
}


def kmeans_plusplus(
    X,
    n_clusters,
    *,
    sample_weight=None,
    x_squared_norms=None,
    random_state=None,
    n_local_trials=None,
):
    """Choose ``n_clusters`` initial centres from ``X`` with k-means++.

    The first centre is a sample drawn with probability proportional to its
    weight.  Every further centre is drawn with probability proportional to
    ``w(x) D(x)²``, where ``D(x)`` is the distance from ``x`` to the closest
    centre chosen so far; among ``n_local_trials`` such draws the one that
    lowers the potential (the weighted sum of ``D(x)²``) the most is kept.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Samples to pick the centres from.
    n_clusters : int
        Number of centres to choose.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample; ``None`` means unit weights.
    x_squared_norms : array-like of shape (n_samples,), default=None
        Precomputed squared Euclidean norms of the rows of ``X``.
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the draws.
    n_local_trials : int, default=None
        Candidates drawn per centre (after the first).  ``None`` uses
        ``2 + int(log(n_clusters))``; ``1`` is the original, non-greedy
        k-means++.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
        The chosen centres.
    indices : ndarray of shape (n_clusters,)
        Row of ``X`` each centre was taken from.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.cluster import kmeans_plusplus
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> centers, indices = kmeans_plusplus(X, n_clusters=2, random_state=0)
    >>> centers
    array([[10.,  2.],
           [ 1.,  0.]])
    >>> indices
    array([3, 2])
    """
    params = dict(
        X=X,
        n_clusters=n_clusters,
        sample_weight=sample_weight,
        x_squared_norms=x_squared_norms,
        random_state=random_state,
        n_local_trials=n_local_trials,
    )
    validate_parameter_constraints(_CONSTRAINTS, params, "kmeans_plusplus")
    X = check_array(X, accept_sparse="csr", dtype=[np.float64, np.float32])
    sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype)
    if X.shape[0] < n_clusters:
        raise ValueError(
            f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}."
        )
    if x_squared_norms is None:
        x_squared_norms = squared_norms(X)
    else:
        x_squared_norms = check_array(x_squared_norms, dtype=X.dtype, ensure_2d=False)
    if x_squared_norms.shape[0] != X.shape[0]:
        raise ValueError(
            f"The length of x_squared_norms {x_squared_norms.shape[0]} should "
            f"be equal to the length of n_samples {X.shape[0]}."
        )
    random_state = check_random_state(random_state)
    return _kmeans_plusplus(
        X, n_clusters, x_squared_norms, sample_weight, random_state, n_local_trials
    )


# Without a transposed copy, up to this many dense features the product is
# written straight into the one-candidate-per-row layout (3x faster
# elementwise passes with 2 features than along the short axis).
_ROW_LAYOUT_MAX_FEATURES = 16


def _sq_distances_to(rows, X, x_squared_norms, X_t=None):
    """Squared distances, shape (len(rows), n_samples), from dense ``rows`` to X.

    ``X_t`` is X's :func:`transposed_copy` (None: not kept).
    """
    if X_t is not None:
        cross = rows @ X_t
    elif not sp.issparse(X) and X.shape[1] <= _ROW_LAYOUT_MAX_FEATURES:
        cross = np.empty((rows.shape[0], X.shape[0]), dtype=X.dtype)
        np.matmul(X, rows.T, out=cross.T)
    else:
        cross = np.ascontiguousarray(np.asarray(X @ rows.T).T)
    dist = np.multiply(cross, -2.0, out=cross)
    dist += x_squared_norms
    dist += squared_norms(rows)[:, None]
    return np.maximum(dist, 0.0, out=dist)


def _row(X, index):
    """One row of ``X`` as a dense 1-D array."""
    if sp.issparse(X):
        return X[[index]].toarray().ravel()
    return take_rows(X, index)


def _weighted_draw(random_state, sample_weight):
    """``random_state.choice(n, p=sample_weight / sample_weight.sum())``.

    The same draw from the same stream of random numbers (one uniform
    number against the normalised cumulative weights), without the
    validation of ``p`` that makes ``choice`` cost ~120 us on 1797 samples.
    """
    cdf = np.cumsum(sample_weight / sample_weight.sum())
    cdf /= cdf[-1]
    return int(np.searchsorted(cdf, random_state.random_sample(), side="right"))


def _distances_from(X, x_squared_norms):
    """``rows -> squared distances (len(rows), n_samples)`` to X, in X's dtype.

    float32 distances lose digits to cancellation in ||x||² - 2x·c + ||c||²;
    they are computed in float64 (as scikit-learn does) to keep the draws
    stable.  Small dense X gets its :func:`transposed_copy` once, here.
    """
    X_dist, norms = X, x_squared_norms
    if X.dtype == np.float32:
        X_dist = X.astype(np.float64)
        norms = squared_norms(X_dist)
    X_t = transposed_copy(X_dist)

    def sq_distances_to(rows):
        rows = rows.astype(X_dist.dtype, copy=False)
        dist = _sq_distances_to(rows, X_dist, norms, X_t)
        return dist.astype(X.dtype, copy=False)

    return sq_distances_to


@single_threaded_blas
def _kmeans_plusplus(
    X, n_clusters, x_squared_norms, sample_weight, random_state, n_local_trials=None
):
    """k-means++ on validated input; see :func:`kmeans_plusplus`."""
    n_samples, n_features = X.shape
    if n_local_trials is None:
        # Arthur & Vassilvitskii suggest a logarithmic number of trials.
        n_local_trials = 2 + int(np.log(n_clusters))
    centers = np.empty((n_clusters, n_features), dtype=X.dtype)
    indices = np.full(n_clusters, -1, dtype=int)
    sq_distances_to = _distances_from(X, x_squared_norms)

    first = _weighted_draw(random_state, sample_weight)
    centers[0], indices[0] = _row(X, first), first
    closest_sq = sq_distances_to(centers[:1])[0]
    potential = closest_sq @ sample_weight

    for c in range(1, n_clusters):
        # Inverse-CDF sampling of D(x)² * w(x), n_local_trials draws at once.
        draws = random_state.uniform(size=n_local_trials) * potential
        candidates = np.searchsorted(np.cumsum(sample_weight * closest_sq), draws)
        # Round-off can push a draw past the last cumulative value.
        np.clip(candidates, None, n_samples - 1, out=candidates)
        rows = take_rows(X, candidates)
        rows = rows.toarray() if sp.issparse(rows) else rows
        trial_sq = sq_distances_to(rows)
        np.minimum(closest_sq, trial_sq, out=trial_sq)
        trial_potentials = trial_sq @ sample_weight
        best = int(np.argmin(trial_potentials))
        potential = trial_potentials[best]
        closest_sq = trial_sq[best]
        centers[c], indices[c] = rows[best], candidates[best]
    return centers, indices
