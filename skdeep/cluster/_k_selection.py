"""Choosing the number of clusters: the elbow and silhouette methods."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.metrics import silhouette_score
from sklearn.utils import Bunch, check_array

from ..utils import HasMethods, Interval, validate_parameter_constraints
from ._kmeans import KMeans

__all__ = ["select_n_clusters"]

_CONSTRAINTS = {
    "X": ["array-like", "sparse matrix"],
    "n_clusters_range": ["array-like"],
    "estimator": [HasMethods(["fit", "set_params"]), None],
    "sample_weight": ["array-like", None],
    "silhouette_sample_size": [Interval(Integral, 2, None, closed="left"), None],
    "random_state": ["random_state"],
}


def elbow_point(n_clusters, inertia):
    """The ``k`` of the curve's elbow (largest gap below the end-to-end chord).

    The inertia is taken on a log scale (what matters is the *relative* drop
    from one ``k`` to the next), both axes are scaled to [0, 1], and the elbow
    is the point farthest below the straight line joining the first and last
    points (the "kneedle" rule).
    """
    k = np.asarray(n_clusters, dtype=float)
    y = np.asarray(inertia, dtype=float)
    # log of the inertia; a perfect fit (inertia 0) is floored just below the rest
    positive = y[y > 0]
    floor = positive.min() * 1e-3 if positive.size else 1.0
    y = np.log(np.maximum(y, floor))
    if k.size < 3 or y[0] == y[-1]:
        return int(k[0])
    k_scaled = (k - k[0]) / (k[-1] - k[0])
    y_scaled = (y - y[-1]) / (y[0] - y[-1])
    gap = (1.0 - k_scaled) - y_scaled  # chord minus curve
    return int(k[np.argmax(gap)])


def select_n_clusters(
    X,
    n_clusters_range=range(2, 11),
    *,
    estimator=None,
    sample_weight=None,
    silhouette_sample_size=None,
    random_state=None,
):
    """Fit k-means for each ``k`` and report inertia and silhouette per ``k``.

    Two classic ways of picking ``k`` come out of one sweep: the *elbow*
    method looks for the ``k`` after which the inertia stops dropping fast,
    the *silhouette* method takes the ``k`` with the highest mean silhouette
    coefficient (:func:`sklearn.metrics.silhouette_score`, in [-1, 1]).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Samples to cluster.
    n_clusters_range : array-like of int, default=range(2, 11)
        Values of ``k`` to try (each between 1 and n_samples).
    estimator : estimator with an ``n_clusters`` parameter, default=None
        Clusterer cloned for every ``k`` (e.g. :class:`MiniBatchKMeans`);
        ``None`` uses ``KMeans(random_state=random_state)``.  It must expose
        ``inertia_`` and ``labels_`` after ``fit``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights passed to ``fit``.
    silhouette_sample_size : int, default=None
        Compute the silhouette on this many random samples (the exact score
        is quadratic in n_samples).
    random_state : int, RandomState instance or None, default=None
        Seed for the default estimator and the silhouette subsample.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``n_clusters`` (ndarray of shape (n_k,)), ``inertia`` and
        ``silhouette`` (same shape; silhouette is NaN when ``k`` is 1 or the
        fit found a single cluster), ``elbow_n_clusters`` and
        ``best_n_clusters_silhouette`` (ints), ``estimators`` (the fitted
        models, one per ``k``).

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from skdeep.cluster import select_n_clusters
    >>> X, _ = make_blobs(300, centers=4, cluster_std=0.6, random_state=0)
    >>> result = select_n_clusters(X, range(2, 8), random_state=0)
    >>> int(result.best_n_clusters_silhouette), int(result.elbow_n_clusters)
    (4, 4)
    """
    params = dict(
        X=X,
        n_clusters_range=n_clusters_range,
        estimator=estimator,
        sample_weight=sample_weight,
        silhouette_sample_size=silhouette_sample_size,
        random_state=random_state,
    )
    validate_parameter_constraints(_CONSTRAINTS, params, "select_n_clusters")
    X = check_array(X, accept_sparse="csr", dtype=[np.float64, np.float32])
    ks = np.asarray(list(n_clusters_range), dtype=int)
    if ks.ndim != 1 or ks.size == 0 or ks.min() < 1 or ks.max() > X.shape[0]:
        raise ValueError(
            "n_clusters_range must be a non-empty list of integers between 1 "
            f"and n_samples={X.shape[0]}; got {list(ks)}."
        )
    base = KMeans(random_state=random_state) if estimator is None else estimator
    fitted = [
        clone(base).set_params(n_clusters=int(k)).fit(X, sample_weight=sample_weight)
        for k in ks
    ]
    inertia = np.array([model.inertia_ for model in fitted], dtype=float)
    silhouette = np.array(
        [
            _silhouette(X, m.labels_, silhouette_sample_size, random_state)
            for m in fitted
        ]
    )
    best = int(ks[np.nanargmax(silhouette)]) if np.isfinite(silhouette).any() else None
    return Bunch(
        n_clusters=ks,
        inertia=inertia,
        silhouette=silhouette,
        elbow_n_clusters=elbow_point(ks, inertia),
        best_n_clusters_silhouette=best,
        estimators=fitted,
    )


def _silhouette(X, labels, sample_size, random_state):
    """Mean silhouette, or NaN when it is undefined (fewer than 2 clusters)."""
    n_labels = np.unique(labels).size
    if n_labels < 2 or n_labels >= X.shape[0]:
        return np.nan
    return float(
        silhouette_score(X, labels, sample_size=sample_size, random_state=random_state)
    )
