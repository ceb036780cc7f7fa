"""DBSCAN: density-based clustering, with ``predict`` for new points."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import Interval, StrOptions, fit_context
from ..utils.validation import check_sample_weight
from ._fit_utils import restore_state_on_error
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


def _merge_components(component, a, b):
    """Merge the components joined by edges ``(a, b)``; ids are roots, in place.

    Vectorised union-find: every root hooks onto the smallest root it shares an
    edge with, pointer jumping flattens the trees, and the edges still crossing
    two components are kept for the next round.  Each round removes at least
    one root per remaining edge, and on real data a handful of rounds suffice.
    """
    a, b = component[a], component[b]
    while a.size:
        low, high = np.minimum(a, b), np.maximum(a, b)
        np.minimum.at(component, high, low)
        while True:
            parent = component[component]
            if np.array_equal(parent, component):
                break
            component[:] = parent
        a, b = component[low], component[high]
        crossing = a != b
        a, b = a[crossing], b[crossing]


def _core_components(core_pair_chunks, n_samples):
    """Connected component id of each sample in the core-to-core graph.

    Ids are the smallest sample index of each component.  Chunks of pairs are
    merged one at a time, so memory stays bounded by one chunk.
    """
    component = np.arange(n_samples)
    for i, j in core_pair_chunks:
        _merge_components(component, i, j)
    return component


def _number_clusters(component, is_core):
    """Labels for core samples, numbered by the smallest core index per cluster."""
    labels = np.full(is_core.shape[0], -1, dtype=np.intp)
    core_idx = np.flatnonzero(is_core)
    if core_idx.size == 0:
        return labels
    ids, first = np.unique(component[core_idx], return_index=True)
    rank = np.empty(ids.size, dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(ids.size)
    labels[core_idx] = rank[np.searchsorted(ids, component[core_idx])]
    return labels


def _attach_border(pair_chunks, core_labels, n_left):
    """For each left sample, the smallest label of a core neighbour, else -1.

    ``pair_chunks`` yields ``(left, core)`` index pairs and ``core_labels``
    maps a core index to its label.  This matches scikit-learn, whose
    depth-first expansion lets the lowest-numbered cluster claim a border
    sample shared by several clusters.
    """
    unset = np.iinfo(np.intp).max
    best = np.full(n_left, unset, dtype=np.intp)
    for left, core in pair_chunks:
        np.minimum.at(best, left, core_labels[core])
    return np.where(best == unset, -1, best)


def _stored_chunks(pairs, is_core):
    """Core-core and (non-core, core) pair lists from all pairs at once."""
    i, j = pairs
    core_i, core_j = is_core[i], is_core[j]
    both = core_i & core_j
    core_pairs = [(i[both], j[both])]
    left_border, right_border = core_j & ~core_i, core_i & ~core_j
    border_pairs = [
        (i[left_border], j[left_border]),
        (j[right_border], i[right_border]),
    ]
    return core_pairs, border_pairs


def dbscan_labels(source, sample_weight, min_samples):
    """Core mask and labels from an eps-neighbour pair source (the kernel).

    With few enough pairs they are computed once and filtered; otherwise each
    pass streams only the pairs it needs: neighbourhood weights, core-core
    pairs for the components, then (non-core, core) pairs for the borders.
    """
    n = sample_weight.shape[0]
    stored = source.stored_pairs()
    if stored is not None:
        i, j = stored
        totals = sample_weight.astype(np.float64, copy=True)
        totals += np.bincount(i, weights=sample_weight[j], minlength=n)
        totals += np.bincount(j, weights=sample_weight[i], minlength=n)
    else:
        totals = source.neighbor_weights(sample_weight)
    is_core = totals >= min_samples
    core, non_core = np.flatnonzero(is_core), np.flatnonzero(~is_core)
    if stored is not None:
        core_pairs, border_pairs = _stored_chunks(stored, is_core)
    else:
        core_pairs = source.pairs_between(core, core, upper_only=True)
        border_pairs = source.pairs_between(non_core, core)
    labels = _number_clusters(_core_components(core_pairs, n), is_core)
    if core.size and non_core.size:
        border = _attach_border(border_pairs, labels, n)
        labels = np.where(is_core, labels, border)
    return is_core, labels


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
        ``"precomputed"`` for a square distance matrix (dense, or sparse where
        only stored entries are neighbours).
    metric_params : dict, default=None
        Extra keyword arguments of the metric.
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default="auto"
        ``"auto"``, ``"kd_tree"`` and ``"ball_tree"`` use a KD-tree for
        Minkowski metrics (``"auto"`` only up to 16 features); ``"brute"``
        always uses distance blocks.
    leaf_size : int, default=30
        Accepted for compatibility; scipy's tree picks its own leaves.
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
        )

    @fit_context
    @restore_state_on_error
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
        return _attach_border(source.query(X), self.labels_[core], X.shape[0])

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
    eps, min_samples, metric, metric_params, algorithm, leaf_size, p, n_jobs
        As in :class:`DBSCAN`.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.

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
