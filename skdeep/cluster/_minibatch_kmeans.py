"""Mini-batch k-means (Sculley, 2010) with ``partial_fit`` for streaming data."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ..utils import Interval, fit_context
from ..utils._indexing import take_rows
from ..utils.validation import check_sample_weight
from ._k_means_common import (
    labels_inertia,
    single_threaded_blas,
    squared_norms,
)
from ._k_means_sums import ReusedIndicator
from ._kmeans_base import BaseKMeans, check_fit_sample_weight
from ._minibatch_step import InertiaMonitor, inverse_cdf, mini_batch_step

__all__ = ["MiniBatchKMeans"]


class MiniBatchKMeans(BaseKMeans):
    """Mini-batch k-means clustering.

    Each step assigns a random mini-batch to its closest centres and moves each
    centre towards the running mean of the samples it has absorbed.  Much
    faster than :class:`KMeans` on large data for a slightly higher inertia;
    :meth:`partial_fit` learns from a stream of batches.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {"k-means++", "random"}, callable or array-like of shape \
            (n_clusters, n_features), default="k-means++"
        Initialisation method, as in :class:`KMeans` (run on ``init_size``
        random samples).
    max_iter : int, default=100
        Maximum number of passes over the data (``fit`` only).
    batch_size : int, default=1024
        Samples per mini-batch.
    verbose : int, default=0
        Print progress when positive.
    compute_labels : bool, default=True
        Compute ``labels_`` and ``inertia_`` on the full data after fitting.
    random_state : int, RandomState instance or None, default=None
        Seed for initialisation, batch sampling and reassignment.
    tol : float, default=0.0
        Stop when the squared centre change (relative to the data variance)
        falls below ``tol``; 0 disables this test.
    max_no_improvement : int or None, default=10
        Stop after this many batches without improvement of the smoothed
        inertia; ``None`` disables this test.
    init_size : int, default=None
        Samples used for initialisation; default ``3 * batch_size``.
    n_init : "auto" or int, default="auto"
        Number of initialisations compared on a validation subset; ``"auto"``
        means 1 for k-means++ or explicit centres and 3 otherwise.
    reassignment_ratio : float, default=0.01
        Centres whose accumulated weight drops below this fraction of the
        largest one are moved onto random samples.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Coordinates of the cluster centres.
    labels_ : ndarray of shape (n_samples,)
        Cluster index of each sample (when ``compute_labels`` is True).
    inertia_ : float
        Weighted inertia on the training data (an estimate from the batches
        when ``compute_labels`` is False).
    n_iter_ : int
        Number of passes over the data.
    n_steps_ : int
        Number of mini-batches processed.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during fit (only for string column names).

    See Also
    --------
    KMeans : Full-batch k-means.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.cluster import MiniBatchKMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 0], [4, 4],
    ...               [4, 5], [0, 1], [2, 2], [3, 2], [5, 5], [1, -1]])
    >>> km = MiniBatchKMeans(n_clusters=2, random_state=0, batch_size=6)
    >>> km = km.partial_fit(X[:6]).partial_fit(X[6:])
    >>> km.cluster_centers_
    array([[3.375, 3.   ],
           [0.75 , 0.5  ]])
    >>> km.predict([[0, 0], [4, 4]])
    array([1, 0], dtype=int32)
    """

    _parameter_constraints: dict = {
        **BaseKMeans._parameter_constraints,
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "compute_labels": ["boolean"],
        "max_no_improvement": [Interval(Integral, 0, None, closed="left"), None],
        "init_size": [Interval(Integral, 1, None, closed="left"), None],
        "reassignment_ratio": [Interval(Real, 0, None, closed="left")],
    }

    _default_n_init = 3

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        verbose=0,
        compute_labels=True,
        random_state=None,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        n_init="auto",
        reassignment_ratio=0.01,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio

    def _batch_and_init_size(self, X):
        batch_size = min(self.batch_size, X.shape[0])
        init_size = self.init_size
        if init_size is None:
            init_size = 3 * batch_size
            if init_size < self.n_clusters:
                init_size = 3 * self.n_clusters
        elif init_size < self.n_clusters:
            warnings.warn(
                f"init_size={init_size} should be larger than "
                f"n_clusters={self.n_clusters}. Setting it to "
                "min(3*n_clusters, n_samples)",
                RuntimeWarning,
                stacklevel=3,
            )
            init_size = 3 * self.n_clusters
        return batch_size, min(init_size, X.shape[0])

    def _reassign_due(self, since_last, counts, batch_size):
        """Reassign every ``10 * n_clusters`` samples, or whenever one is empty."""
        since_last += batch_size
        if (counts == 0).any() or since_last >= 10 * self.n_clusters:
            return True, 0
        return False, since_last

    def _best_init(self, X, sample_weight, init, n_init, init_size, random_state):
        """Initial centres with the lowest inertia on a random validation set."""
        x_squared_norms = squared_norms(X)
        valid = random_state.randint(0, X.shape[0], init_size)
        best_centers, best_inertia = None, None
        for idx in range(n_init):
            if self.verbose:
                print(f"Init {idx + 1}/{n_init} with method {init}")
            centers = self._init_centroids(
                X,
                x_squared_norms,
                init,
                random_state,
                sample_weight,
                init_size=init_size,
            )
            _, inertia = labels_inertia(X[valid], sample_weight[valid], centers)
            if self.verbose:
                print(f"Inertia for init {idx + 1}/{n_init}: {inertia}")
            if best_inertia is None or inertia < best_inertia:
                best_centers, best_inertia = centers, inertia
        return best_centers

    def _run_steps(self, X, sample_weight, centers, batch_size, tol, random_state):
        """The mini-batch loop of ``fit``; returns the final state."""
        counts = np.zeros(self.n_clusters, dtype=X.dtype)
        n_samples = X.shape[0]
        n_steps = (self.max_iter * n_samples) // batch_size
        monitor = InertiaMonitor(self, n_samples, batch_size, tol)
        # Weighted sampling with replacement by inverse CDF (the same draws as
        # RandomState.choice(p=...), without rebuilding the CDF every step).
        cdf = np.cumsum((sample_weight / sample_weight.sum()).astype(np.float64))
        cdf /= cdf[-1]
        uniform = bool(np.all(sample_weight == sample_weight[0]))
        unit_weight = np.ones(batch_size, dtype=X.dtype)
        indicator = ReusedIndicator(batch_size, self.n_clusters)
        since_last = 0
        for step in range(n_steps):
            batch = inverse_cdf(cdf, random_state.random_sample(batch_size), uniform)
            reassign, since_last = self._reassign_due(since_last, counts, batch_size)
            new_centers, counts, batch_inertia = mini_batch_step(
                take_rows(X, batch),
                unit_weight,
                centers,
                counts,
                random_state,
                reassign,
                self.reassignment_ratio,
                self.verbose,
                indicator,
            )
            diff = float(np.sum((new_centers - centers) ** 2)) if tol > 0 else 0.0
            centers = new_centers
            if monitor.converged(step, n_steps, diff, batch_inertia):
                break
        return centers, counts, since_last, step, monitor

    def _stream_state(self, X, sample_weight, random_state):
        """Weights, batch size, centres, counts and reassignment clock for
        ``partial_fit``: initialised on the first call, then carried over."""
        if hasattr(self, "cluster_centers_"):
            sample_weight = check_sample_weight(sample_weight, X, dtype=X.dtype)
            centers = self.cluster_centers_.astype(X.dtype, copy=False)
            counts = self._counts.astype(X.dtype, copy=False)
            return (
                sample_weight,
                self._batch_size,
                centers,
                counts,
                self._n_since_last_reassign,
            )
        sample_weight = check_fit_sample_weight(sample_weight, X)
        self._check_n_samples(X)
        self._resolve_n_init()
        batch_size, init_size = self._batch_and_init_size(X)
        centers = self._init_centroids(
            X,
            squared_norms(X),
            self._checked_init(X),
            random_state,
            sample_weight,
            init_size=init_size,
        )
        self._init_size = init_size
        counts = np.zeros(self.n_clusters, dtype=X.dtype)
        return sample_weight, batch_size, centers, counts, 0

    @fit_context
    @single_threaded_blas
    def fit(self, X, y=None, sample_weight=None):
        """Compute the centres on X by sampling mini-batches.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples; sparse input is converted to CSR.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample: batches are drawn with probability
            proportional to it.  ``None`` means unit weights.

        Returns
        -------
        self : MiniBatchKMeans
            The fitted estimator.
        """
        X = self._check_input(X, reset=True)
        self._check_n_samples(X)
        n_init = self._resolve_n_init()
        batch_size, init_size = self._batch_and_init_size(X)
        tol = self._tolerance(X)
        random_state = check_random_state(self.random_state)
        sample_weight = check_fit_sample_weight(sample_weight, X)
        init = self._checked_init(X)
        centers = self._best_init(
            X, sample_weight, init, n_init, init_size, random_state
        )
        centers, counts, since_last, step, monitor = self._run_steps(
            X, sample_weight, centers, batch_size, tol, random_state
        )
        n_samples = X.shape[0]
        if self.compute_labels:
            labels, inertia = labels_inertia(X, sample_weight, centers)
            self.labels_ = labels
        else:
            inertia = monitor.ewa_inertia * float(sample_weight.sum())
        self.cluster_centers_ = centers
        self._n_features_out = centers.shape[0]
        self.inertia_ = inertia
        self.n_steps_ = step + 1
        self.n_iter_ = int(np.ceil((step + 1) * batch_size / n_samples))
        self._counts, self._n_since_last_reassign = counts, since_last
        self._batch_size, self._init_size = batch_size, init_size
        self._n_init, self._tol = n_init, tol
        return self

    @fit_context
    @single_threaded_blas
    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the centres with one mini-batch.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The mini-batch.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; ``None`` means unit weights.

        Returns
        -------
        self : MiniBatchKMeans
            The updated estimator.
        """
        first_call = not hasattr(self, "cluster_centers_")
        X = self._check_input(X, reset=first_call)
        random_state = getattr(self, "_random_state", None)
        if random_state is None:
            random_state = check_random_state(self.random_state)
        sample_weight, batch_size, centers, counts, since_last = self._stream_state(
            X, sample_weight, random_state
        )
        reassign, since_last = self._reassign_due(since_last, counts, batch_size)
        centers, counts, _ = mini_batch_step(
            X,
            sample_weight,
            centers,
            counts,
            random_state,
            reassign,
            self.reassignment_ratio,
            self.verbose,
        )
        if self.compute_labels:
            self.labels_, self.inertia_ = labels_inertia(X, sample_weight, centers)
        self.cluster_centers_, self._counts = centers, counts
        self._n_since_last_reassign, self._batch_size = since_last, batch_size
        self._random_state = random_state
        self.n_steps_ = getattr(self, "n_steps_", 0) + 1
        self._n_features_out = centers.shape[0]
        return self
