"""Shared parts of :class:`KMeans` and :class:`MiniBatchKMeans`."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import Interval, StrOptions
from ..utils.validation import check_sample_weight
from ._k_means_common import labels_inertia, tolerance
from ._kmeans_plusplus import _kmeans_plusplus


def is_array_init(init) -> bool:
    """True when ``init`` is an explicit array of centres (not a name/callable)."""
    return not isinstance(init, str) and not callable(init)


def check_fit_sample_weight(sample_weight, X):
    """Validate weights for fitting; at least one must be positive."""
    sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype)
    if not np.all(np.isfinite(sample_weight)):
        raise ValueError("sample_weight must contain only finite values.")
    if sample_weight.sum() <= 0:
        raise ValueError(
            "The sum of sample_weight must be positive; got all zero or "
            "negative weights. Give at least one sample a positive weight."
        )
    return sample_weight


class BaseKMeans(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator
):
    """Parameters, initialisation and prediction common to the k-means family."""

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions({"k-means++", "random"}), callable, "array-like"],
        "n_init": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    _default_n_init = 10

    def _resolve_n_init(self):
        """Number of initialisations to run, following ``n_init="auto"``."""
        if self.n_init != "auto":
            n_init = self.n_init
        elif isinstance(self.init, str) and self.init == "k-means++":
            n_init = 1
        elif isinstance(self.init, str) or callable(self.init):
            n_init = self._default_n_init
        else:
            n_init = 1
        if is_array_init(self.init) and n_init != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one "
                f"init in {type(self).__name__} instead of n_init={n_init}.",
                RuntimeWarning,
                stacklevel=3,
            )
            n_init = 1
        return n_init

    def _check_n_samples(self, X):
        if X.shape[0] < self.n_clusters:
            raise ValueError(
                f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}."
            )

    def _tolerance(self, X, centered=False):
        return tolerance(X, self.tol, centered)

    def _validate_center_shape(self, X, centers, n_centroids=None):
        n_centroids = self.n_clusters if n_centroids is None else n_centroids
        if centers.shape[0] != n_centroids:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not "
                f"match the number of clusters {n_centroids}."
            )
        if centers.shape[1] != X.shape[1]:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not "
                f"match the number of features of the data {X.shape[1]}."
            )

    def _checked_init(self, X):
        """``self.init``, with an explicit array validated and copied."""
        init = self.init
        if is_array_init(init):
            init = check_array(init, dtype=X.dtype, copy=True, order="C")
            self._validate_center_shape(X, init)
        return init

    def _init_centroids(
        self,
        X,
        x_squared_norms,
        init,
        random_state,
        sample_weight,
        init_size=None,
        n_centroids=None,
    ):
        """Initial centres, shape (n_centroids, n_features), from ``init``."""
        n_samples = X.shape[0]
        n_clusters = self.n_clusters if n_centroids is None else n_centroids
        if init_size is not None and init_size < n_samples:
            subset = random_state.randint(0, n_samples, init_size)
            X, x_squared_norms = X[subset], x_squared_norms[subset]
            sample_weight = sample_weight[subset]
            n_samples = init_size
        if isinstance(init, str) and init == "k-means++":
            centers, _ = _kmeans_plusplus(
                X, n_clusters, x_squared_norms, sample_weight, random_state
            )
        elif isinstance(init, str) and init == "random":
            probabilities = sample_weight / sample_weight.sum()
            seeds = random_state.choice(
                n_samples, size=n_clusters, replace=False, p=probabilities
            )
            centers = X[seeds]
        elif callable(init):
            centers = init(X, n_clusters, random_state=random_state)
            centers = check_array(centers, dtype=X.dtype, copy=False, order="C")
            self._validate_center_shape(X, centers, n_centroids=n_clusters)
        else:
            centers = init
        if sp.issparse(centers):
            centers = centers.toarray()
        return np.ascontiguousarray(centers, dtype=X.dtype)

    def _check_input(self, X, reset=False, copy=False):
        """Validate ``X`` the one way every k-means entry point accepts it."""
        return validate_data(
            self,
            X,
            accept_sparse="csr",
            reset=reset,
            dtype=[np.float64, np.float32],
            order="C",
            copy=copy,
            accept_large_sparse=False,
        )

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit the model and return the cluster index of each training sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; ``None`` means unit weights.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster index of each sample.
        """
        return self.fit(X, sample_weight=sample_weight).labels_

    def predict(self, X):
        """Index of the closest centre for each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to assign.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster index of each sample.
        """
        check_is_fitted(self)
        X = self._check_input(X)
        weights = np.ones(X.shape[0], dtype=X.dtype)
        return labels_inertia(X, weights, self.cluster_centers_, return_inertia=False)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit the model, then return the distances of X to every centre.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; ``None`` means unit weights.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_clusters)
            Euclidean distance of each sample to each centre.
        """
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def transform(self, X):
        """Euclidean distance of each sample to each cluster centre.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to transform.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_clusters)
            Distances to the centres (dense even for sparse input).
        """
        check_is_fitted(self)
        X = self._check_input(X)
        return self._transform(X)

    def _transform(self, X):
        return euclidean_distances(X, self.cluster_centers_)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the k-means objective (weighted inertia) on X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to score.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; ``None`` means unit weights.

        Returns
        -------
        score : float
            Minus the weighted sum of squared distances to the closest centre.
        """
        check_is_fitted(self)
        X = self._check_input(X)
        sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype)
        _, inertia = labels_inertia(X, sample_weight, self.cluster_centers_)
        return -inertia

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
