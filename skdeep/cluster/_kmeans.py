"""K-means clustering (Lloyd and Elkan) and the :func:`k_means` function."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from ..utils import StrOptions, fit_context
from ._k_means_common import squared_norms
from ._kmeans_base import BaseKMeans, check_fit_sample_weight
from ._lloyd import kmeans_single_elkan, kmeans_single_lloyd

__all__ = ["KMeans", "k_means"]


def _is_same_clustering(labels_a, labels_b, n_clusters) -> bool:
    """True when two labelings are equal up to a permutation of the labels."""
    mapping = np.full(n_clusters, -1, dtype=np.int64)
    mapping[labels_a] = labels_b
    if np.any(mapping[labels_a] != labels_b):
        return False
    used = mapping[mapping >= 0]
    return np.unique(used).size == used.size


class KMeans(BaseKMeans):
    """K-means clustering.

    Partitions samples into ``n_clusters`` groups by minimising the inertia,
    the (weighted) sum of squared distances of samples to their cluster
    centre.  Distances are computed as ``||x||² - 2 x·c + ||c||²`` with one
    BLAS product per memory-bounded chunk of samples.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (centres) to form.
    init : {"k-means++", "random"}, callable or array-like of shape \
            (n_clusters, n_features), default="k-means++"
        Initialisation: greedy k-means++ seeding, ``n_clusters`` samples drawn
        at random (weighted), a callable ``init(X, n_clusters, random_state)``
        returning centres, or explicit centres.
    n_init : "auto" or int, default="auto"
        Number of initialisations; the run with the lowest inertia is kept.
        ``"auto"`` means 1 for k-means++ or explicit centres, 10 otherwise.
    max_iter : int, default=300
        Maximum number of iterations of one run.
    tol : float, default=1e-4
        Convergence tolerance on the squared centre shift, relative to the
        mean per-feature variance of X.
    verbose : int, default=0
        Print progress when positive.
    random_state : int, RandomState instance or None, default=None
        Seed for the initialisation.
    copy_x : bool, default=True
        When False, dense X is centred in place during fit and restored
        afterwards (tiny round-off differences can remain).
    algorithm : {"lloyd", "elkan"}, default="lloyd"
        Both give the result of classic Lloyd (EM) iterations and skip the
        distance computations the triangle inequality proves useless:
        ``"lloyd"`` keeps Hamerly's two bounds per sample, ``"elkan"`` also
        one bound per (sample, centre) (an extra ``(n_samples, n_clusters)``
        array; usually no faster than ``"lloyd"`` here).  Small problems
        (``n_samples * n_clusters <= 2**17``) skip the bounds and compute
        every distance in both.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Coordinates of the cluster centres.
    labels_ : ndarray of shape (n_samples,)
        Cluster index of each training sample.
    inertia_ : float
        Weighted sum of squared distances of samples to their centre.
    n_iter_ : int
        Number of iterations of the kept run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during fit (only for string column names).

    See Also
    --------
    MiniBatchKMeans : Faster, approximate k-means on mini-batches.
    kmeans_plusplus : The seeding used by ``init="k-means++"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.cluster import KMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> km = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> km.labels_
    array([1, 1, 1, 0, 0, 0], dtype=int32)
    >>> km.predict([[0, 0], [12, 3]])
    array([1, 0], dtype=int32)
    >>> km.cluster_centers_
    array([[10.,  2.],
           [ 1.,  2.]])
    """

    _parameter_constraints: dict = {
        **BaseKMeans._parameter_constraints,
        "copy_x": ["boolean"],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="lloyd",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    def _single_run(self):
        if self.algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn(
                "algorithm='elkan' doesn't make sense for a single cluster. "
                "Using 'lloyd' instead.",
                RuntimeWarning,
                stacklevel=3,
            )
            return kmeans_single_lloyd
        return kmeans_single_elkan if self.algorithm == "elkan" else kmeans_single_lloyd

    @fit_context
    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples; sparse input is converted to CSR.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample (also used by the k-means++ and random
            initialisations); ``None`` means unit weights.

        Returns
        -------
        self : KMeans
            The fitted estimator.
        """
        X = self._check_input(X, reset=True, copy=self.copy_x)
        self._check_n_samples(X)
        n_init, run_once = self._resolve_n_init(), self._single_run()
        random_state = check_random_state(self.random_state)
        sample_weight = check_fit_sample_weight(sample_weight, X)
        init = self._checked_init(X)
        # Centring X makes the ||x||² - 2x·c + ||c||² expansion more accurate.
        X_mean = None if sp.issparse(X) else X.mean(axis=0)
        if X_mean is not None:
            X -= X_mean
            if not isinstance(init, str) and not callable(init):
                init -= X_mean
        try:
            tol = self._tolerance(X, centered=X_mean is not None)
            best = self._best_of_runs(
                X, sample_weight, init, n_init, run_once, tol, random_state
            )
        finally:
            if X_mean is not None and not self.copy_x:
                X += X_mean
        labels, inertia, centers, n_iter = best
        if X_mean is not None:
            centers += X_mean
        self._warn_if_fewer_clusters(labels)
        self.cluster_centers_ = centers
        self._n_features_out = centers.shape[0]
        self.labels_ = labels
        self.inertia_ = inertia
        self.n_iter_ = n_iter
        self._n_init, self._tol, self._algorithm = n_init, tol, run_once.__name__[14:]
        return self

    def _best_of_runs(
        self, X, sample_weight, init, n_init, run_once, tol, random_state
    ):
        """Run k-means ``n_init`` times; keep the lowest-inertia distinct result."""
        x_squared_norms = squared_norms(X)
        best = None
        for _ in range(n_init):
            centers_init = self._init_centroids(
                X, x_squared_norms, init, random_state, sample_weight
            )
            if self.verbose:
                print("Initialization complete")
            result = run_once(
                X,
                sample_weight,
                centers_init,
                max_iter=self.max_iter,
                verbose=self.verbose,
                tol=tol,
            )
            # A lower inertia with the same partition is only round-off noise.
            if best is None or (
                result[1] < best[1]
                and not _is_same_clustering(result[0], best[0], self.n_clusters)
            ):
                best = result
        return best

    def _warn_if_fewer_clusters(self, labels):
        distinct = np.unique(labels).size
        if distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than "
                f"n_clusters ({self.n_clusters}). Possibly due to duplicate points "
                "in X.",
                ConvergenceWarning,
                stacklevel=3,
            )


def k_means(
    X,
    n_clusters,
    *,
    sample_weight=None,
    init="k-means++",
    n_init="auto",
    max_iter=300,
    verbose=False,
    tol=1e-4,
    random_state=None,
    copy_x=True,
    algorithm="lloyd",
    return_n_iter=False,
):
    """Run k-means clustering and return centres, labels and inertia.

    Functional form of :class:`KMeans`; see it for the parameters.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Samples to cluster.
    n_clusters : int
        Number of clusters.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.
    init, n_init, max_iter, verbose, tol, random_state, copy_x, algorithm
        As in :class:`KMeans`.
    return_n_iter : bool, default=False
        Also return the number of iterations.

    Returns
    -------
    centroid : ndarray of shape (n_clusters, n_features)
    label : ndarray of shape (n_samples,)
    inertia : float
    best_n_iter : int
        Only when ``return_n_iter`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.cluster import k_means
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> centers, labels, inertia = k_means(X, n_clusters=2, random_state=0)
    >>> inertia
    16.0
    """
    if not isinstance(return_n_iter, bool):
        raise ValueError("return_n_iter must be a bool.")
    est = KMeans(
        n_clusters=n_clusters,
        init=init,
        n_init=n_init,
        max_iter=max_iter,
        verbose=verbose,
        tol=tol,
        random_state=random_state,
        copy_x=copy_x,
        algorithm=algorithm,
    ).fit(X, sample_weight=sample_weight)
    result = (est.cluster_centers_, est.labels_, est.inertia_)
    return (*result, est.n_iter_) if return_n_iter else result
