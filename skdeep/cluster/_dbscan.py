"""DBSCAN: density-based clustering, with ``predict`` for new points."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import Interval, StrOptions, fit_context
from ..utils.validation import check_sample_weight
from ._dbscan_graph import attach_border, dbscan_labels
from ._radius_neighbors import RadiusPairs

__all__ = ["DBSCAN", "dbscan"]

_VALID_METRICS = {
    "braycurtis",
    "canberra",
    "chebyshev",
    "cityblock",
    "correlation",
    "cosine",
    "dice",
    "euclidean",
    "hamming",
    "haversine",
    "infinity",
    "jaccard",
    "l1",
    "l2",
    "mahalanobis",
    "manhattan",
    "matching",
    "minkowski",
    "nan_euclidean",
    "rogerstanimoto",
    "russellrao",
    "seuclidean",
    "sokalsneath",
    "sqeuclidean",
    "yule",
    "precomputed",
}


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based spatial clustering of applications with noise.

    A sample is a *core sample* when the total weight of the samples within
    distance ``eps`` of it (itself included) is at least ``min_samples``.
    Core samples within ``eps`` of each other belong to the same cluster;
    other samples within ``eps`` of a core sample are *border* samples of its
    cluster; everything else is *noise* (label -1).

    Neighbourhoods come from scipy's ``cKDTree`` (Minkowski metrics on
    low-dimensional dense data) or from chunked distance blocks, and clusters
    are connected components of the core graph (``scipy.sparse.csgraph``).
    Memory stays bounded for large ``eps``: when the neighbour pairs would be
    too many to hold, they are regenerated chunk by chunk.

    Parameters
    ----------
    eps : float, default=0.5
        Neighbourhood radius (a distance ``<= eps`` counts).
    min_samples : int, default=5
        Neighbourhood weight (count, itself included) that makes a core sample.
    metric : str or callable, default="euclidean"
        Distance metric (any of :func:`sklearn.metrics.pairwise_distances`), or
        ``"precomputed"`` for a square, symmetric distance matrix (dense, or
        sparse where only stored entries are neighbours).
    metric_params : dict, default=None
        Extra keyword arguments of the metric.
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default="auto"
        ``"auto"``, ``"kd_tree"`` and ``"ball_tree"`` use a KD-tree for
        Minkowski metrics (``"auto"`` only up to 16 features); ``"brute"``
        always uses distance blocks.
    leaf_size : int, default=30
        Leaf size of the KD-tree (speed/memory trade-off only).
    p : float, default=None
        Minkowski exponent (``None`` means 2).
    n_jobs : int, default=None
        Parallel jobs for the distance blocks.

    Attributes
    ----------
    core_sample_indices_ : ndarray of shape (n_core_samples,)
        Indices of the core samples.
    components_ : ndarray of shape (n_core_samples, n_features)
        The core samples (rows of X).
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample; noise is -1.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during fit (only for string column names).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.cluster import DBSCAN
    >>> X = np.array([[1, 2], [2, 2], [2, 3], [8, 7], [8, 8], [25, 80]])
    >>> db = DBSCAN(eps=3, min_samples=2).fit(X)
    >>> db.labels_
    array([ 0,  0,  0,  1,  1, -1])
    >>> db.predict([[1.5, 2.5], [8, 9], [50, 50]])
    array([ 0,  1, -1])
    """

    _parameter_constraints: dict = {
        "eps": [Interval(Real, 0.0, None, closed="neither")],
        "min_samples": [Interval(Integral, 1, None, closed="left")],
        "metric": [StrOptions(_VALID_METRICS), callable],
        "metric_params": [dict, None],
        "algorithm": [StrOptions({"auto", "ball_tree", "kd_tree", "brute"})],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "p": [Interval(Real, 0.0, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        eps=0.5,
        *,
        min_samples=5,
        metric="euclidean",
        metric_params=None,
        algorithm="auto",
        leaf_size=30,
        p=None,
        n_jobs=None,
    ):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.metric_params = metric_params
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.n_jobs = n_jobs

    def _pair_source(self, X):
        return RadiusPairs(
            X,
            self.eps,
            self.metric,
            self.p,
            self.metric_params,
            self.algorithm,
            self.n_jobs,
            leaf_size=self.leaf_size,
        )

    @fit_context
    def fit(self, X, y=None, sample_weight=None):
        """Cluster X (features, or distances when ``metric="precomputed"``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
                (n_samples, n_samples)
            Training samples, or their distance matrix.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the neighbourhood totals; a sample of
            weight at least ``min_samples`` is core by itself, a negative
            weight can keep its neighbours from being core.

        Returns
        -------
        self : DBSCAN
            The fitted estimator.
        """
        X = validate_data(self, X, accept_sparse="csr")
        if self.metric == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError(
                "A precomputed distance matrix must be square; got shape "
                f"{X.shape}. Pass metric='euclidean' (or another metric) for "
                "feature vectors."
            )
        sample_weight = check_sample_weight(
            sample_weight, X, dtype=np.float64, allow_all_zero=False
        )
        is_core, labels = dbscan_labels(
            self._pair_source(X), sample_weight, self.min_samples
        )
        core = np.flatnonzero(is_core)
        self.core_sample_indices_ = core
        self.labels_ = labels
        if core.size:
            self.components_ = X[core].copy()
        else:
            self.components_ = np.empty((0, X.shape[1]))
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit and return the training labels (noise is -1).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
                (n_samples, n_samples)
            Training samples, or their distance matrix.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster of each sample.
        """
        return self.fit(X, sample_weight=sample_weight).labels_

    def predict(self, X):
        """Label new samples: the cluster of a core sample within ``eps``.

        A sample near core samples of several clusters gets the lowest cluster
        label (the rule ``fit`` uses for border samples), so ``predict`` on the
        training data reproduces ``labels_``.  Samples with no core sample
        within ``eps`` are noise (-1).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features)
            New samples; with ``metric="precomputed"``, their distances to the
            training samples, shape (n_queries, n_training_samples).

        Returns
        -------
        labels : ndarray of shape (n_queries,)
            Cluster of each sample, -1 for noise.
        """
        check_is_fitted(self, "labels_")
        precomputed = self.metric == "precomputed"
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        core = self.core_sample_indices_
        if core.size == 0 or X.shape[0] == 0:
            return np.full(X.shape[0], -1, dtype=np.intp)
        if precomputed:
            # Distances to the core samples only; the source needs just a shape.
            X = X[:, core]
            source = self._pair_source(sp.csr_matrix((core.size, core.size)))
        else:
            source = self._pair_source(self.components_)
        return attach_border(source.query(X), self.labels_[core], X.shape[0])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.metric == "precomputed"
        tags.input_tags.sparse = True
        return tags


def dbscan(
    X,
    eps=0.5,
    *,
    min_samples=5,
    metric="minkowski",
    metric_params=None,
    algorithm="auto",
    leaf_size=30,
    p=2,
    sample_weight=None,
    n_jobs=None,
):
    """Run DBSCAN and return the core sample indices and the labels.

    Functional form of :class:`DBSCAN` (note the different ``metric`` and
    ``p`` defaults, kept from scikit-learn).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
            (n_samples, n_samples)
        Samples, or their distance matrix for ``metric="precomputed"``.
    eps, min_samples, metric, metric_params, algorithm, leaf_size, p
        As in :class:`DBSCAN`.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.
    n_jobs : int, default=None
        As in :class:`DBSCAN`.

    Returns
    -------
    core_samples : ndarray of shape (n_core_samples,)
        Indices of the core samples.
    labels : ndarray of shape (n_samples,)
        Cluster of each sample, -1 for noise.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.cluster import dbscan
    >>> X = np.array([[1, 2], [2, 2], [2, 3], [8, 7], [8, 8], [25, 80]])
    >>> core, labels = dbscan(X, eps=3, min_samples=2)
    >>> labels
    array([ 0,  0,  0,  1,  1, -1])
    """
    est = DBSCAN(
        eps=eps,
        min_samples=min_samples,
        metric=metric,
        metric_params=metric_params,
        algorithm=algorithm,
        leaf_size=leaf_size,
        p=p,
        n_jobs=n_jobs,
    )
    est.fit(X, sample_weight=sample_weight)
    return est.core_sample_indices_, est.labels_
