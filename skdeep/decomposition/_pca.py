"""Principal component analysis (PCA)."""

from __future__ import annotations

import warnings
from math import log, sqrt
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._array_api import array_api_boundary
from ..utils._fit_context import fit_context
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils._threads import secondary_blas_single_threaded
from ._base import _BasePCA, keep_input_metadata_on_error
from ._mle import _assess_dimension, _infer_dimension
from ._pca_options import (
    _SPARSE_SOLVERS,
    _check_n_components,
    _n_kept,
    _resolve_solver,
    array_api_overrides,
)
from ._pca_solvers import covariance_eigh, full_svd, truncated_svd

__all__ = ["PCA", "_assess_dimension", "_infer_dimension"]


class PCA(_BasePCA):
    """Principal component analysis: project data on its directions of largest variance.

    The data are centred (not scaled) and decomposed by a singular value
    decomposition; the leading right singular vectors are the principal axes.
    Four solvers trade exactness for speed: a full LAPACK SVD, the
    eigendecomposition of the covariance matrix (tall data), ARPACK (a few
    axes, exact) and a randomized range finder (a few axes, approximate).
    Sparse input is centred implicitly and never densified.  Under
    scikit-learn's ``array_api_dispatch``, arrays of other array API libraries
    (PyTorch, CuPy, ...) are accepted: fitted attributes and outputs stay in
    their namespace and on their device (the arithmetic is numpy's).

    Parameters
    ----------
    n_components : int, float, "mle" or None, default=None
        Number of axes kept.  ``None`` keeps ``min(n_samples, n_features)``
        (one fewer with ARPACK); a float in ``(0, 1)`` keeps the fewest axes
        whose explained variance exceeds that fraction; ``"mle"`` chooses the
        dimension with Minka's Bayesian evidence (full/covariance solvers).
    copy : bool, default=True
        If False, dense training data are centred in place (overwritten).
    whiten : bool, default=False
        Divide the projections by the axis standard deviations so that each
        output has unit variance (useful before distance-based models).
    svd_solver : {"auto", "full", "covariance_eigh", "arpack", "randomized"}, \
            default="auto"
        ``"auto"`` picks ``covariance_eigh`` for tall data (``n_features <=
        1000`` and ``n_samples >= 10 * n_features``), ``full`` for small data
        or ``"mle"``, ``randomized`` when fewer than 80% of the axes are asked
        for, ``full`` otherwise, and ``arpack`` for sparse input.
    tol : float, default=0.0
        ARPACK tolerance on singular values (0 means machine precision).
    iterated_power : int or "auto", default="auto"
        Power iterations of the randomized solver; ``"auto"`` is 7 when
        ``n_components < 0.1 * min(X.shape)`` and 4 otherwise.
    n_oversamples : int, default=10
        Extra random vectors of the randomized solver.
    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
        Re-orthogonalisation between power iterations (``"auto"``: none for
        ``iterated_power <= 2``, LU otherwise).
    random_state : int, RandomState instance or None, default=None
        Seeds the ARPACK start vector and the randomized test matrix.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
        Principal axes, by decreasing variance; each row's largest-magnitude
        entry is positive.
    explained_variance_ : ndarray of shape (n_components_,)
        Variance along each axis (eigenvalues of the ``ddof=1`` covariance).
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Fraction of the total variance along each axis.
    singular_values_ : ndarray of shape (n_components_,)
        Singular values of the centred data.
    mean_ : ndarray of shape (n_features,)
        Per-feature mean of the training data.
    n_components_ : int
        Number of axes kept.
    n_samples_ : int
        Number of training samples.
    noise_variance_ : float
        Probabilistic-PCA noise variance: mean variance of the discarded axes.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during fit (only when ``X`` has string column names).

    See Also
    --------
    IncrementalPCA : PCA fitted batch by batch for data that do not fit in memory.
    explained_variance_curve : explained variance and reconstruction error for
        every number of components.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.decomposition import PCA
    >>> X = np.array([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]])
    >>> pca = PCA(n_components=2).fit(X)
    >>> pca.explained_variance_ratio_.round(4)
    array([0.9924, 0.0076])
    >>> pca.transform(X[:1]).round(3)
    array([[-1.383, -0.294]])
    """

    _parameter_constraints: dict = {
        "n_components": [
            Interval(Integral, 0, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            StrOptions({"mle"}),
            None,
        ],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [
            StrOptions({"auto", "full", "covariance_eigh", "arpack", "randomized"})
        ],
        "tol": [Interval(Real, 0, None, closed="left")],
        "iterated_power": [
            StrOptions({"auto"}),
            Interval(Integral, 0, None, closed="left"),
        ],
        "n_oversamples": [Interval(Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=None,
        *,
        copy=True,
        whiten=False,
        svd_solver="auto",
        tol=0.0,
        iterated_power="auto",
        n_oversamples=10,
        power_iteration_normalizer="auto",
        random_state=None,
    ):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    @array_api_boundary(fits=True)
    @fit_context
    def fit(self, X, y=None):
        """Fit the principal axes of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (CSR/CSC sparse input: ``auto``, ``arpack``,
            ``covariance_eigh`` and ``randomized`` solvers).
        y : None
            Ignored.

        Returns
        -------
        self : PCA
            The fitted estimator.
        """
        self._fit(X)
        return self

    @array_api_boundary(fits=True)
    @fit_context
    def fit_transform(self, X, y=None):
        """Fit the principal axes of ``X`` and return its projection.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components_)
            Projected (and, with ``whiten=True``, whitened) training data.
        """
        X, decomposition = self._fit(X)
        k = self.n_components_
        if decomposition.U is not None:
            scores = decomposition.U[:, :k].copy()
            if self.whiten:
                scores *= sqrt(X.shape[0] - 1)
            else:
                scores *= decomposition.singular_values[:k]
            return scores
        if decomposition.centered is not None:
            return self._project(decomposition.centered, centered=True)
        return self._project(X, centered=False)

    def _validate_input(self, X):
        if sp.issparse(X) and self.svd_solver not in _SPARSE_SOLVERS:
            raise TypeError(
                'PCA only support sparse inputs with the "arpack" and '
                f'"covariance_eigh" solvers, while "{self.svd_solver}" was passed '
                '(skdeep also accepts "randomized" and "auto"). See TruncatedSVD '
                "for a possible alternative."
            )
        return validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            accept_sparse=("csr", "csc"),
            ensure_min_samples=2,
            copy=False,
            force_writeable=not self.copy,
            # Dense data are checked through their column means (one pass
            # fewer, see _pca_solvers._dense_mean).
            ensure_all_finite=sp.issparse(X),
        )

    def _fit(self, X):
        """Validate, decompose, and set the fitted attributes; return data too."""
        with keep_input_metadata_on_error(self):
            return self._fit_validated(self._validate_input(X))

    def _fit_validated(self, X):
        shape = X.shape
        solver = self.svd_solver
        if solver == "auto" and sp.issparse(X):
            solver = "arpack"
        n_components = self.n_components
        if n_components is None:
            n_components = min(shape) - (solver == "arpack")
        solver = _resolve_solver(solver, shape, n_components, sp.issparse(X))
        _check_n_components(n_components, shape, solver)
        decomposition = self._decompose(X, n_components, solver)
        self._set_fitted(decomposition, n_components, shape)
        self._fit_svd_solver = solver
        return X, decomposition

    def _decompose(self, X, n_components, solver):
        if solver == "full":
            return full_svd(X, copy=self.copy)
        if solver == "covariance_eigh":
            return covariance_eigh(X)
        params = {
            "tol": self.tol,
            "n_oversamples": self.n_oversamples,
            "iterated_power": self.iterated_power,
            "power_iteration_normalizer": self.power_iteration_normalizer,
        }
        # Both solvers alternate numpy products with scipy LAPACK/ARPACK steps
        # on thin matrices: one scipy BLAS thread avoids the two OpenBLAS
        # pools fighting over the cores (arpack 1.7x, randomized 1.2x faster).
        with secondary_blas_single_threaded():
            return truncated_svd(
                X,
                n_components,
                solver=solver,
                copy=self.copy,
                params=params,
                random_state=check_random_state(self.random_state),
            )

    def _set_fitted(self, decomposition, n_components, shape):
        n_samples, n_features = shape
        variance = decomposition.explained_variance
        total = decomposition.total_variance
        if total > 0:
            ratio = variance / total
        else:
            warnings.warn(
                "X has zero variance: every explained variance ratio is set to 0.",
                UserWarning,
                stacklevel=4,
            )
            ratio = np.zeros_like(variance)
        k = _n_kept(n_components, decomposition, ratio, n_samples)
        smallest = min(n_samples, n_features)
        truncated = decomposition.components.shape[0] < smallest
        if k >= smallest:
            noise = 0.0
        elif truncated:
            noise = (total - float(variance.sum())) / (smallest - k)
        else:
            noise = float(np.mean(variance[k:]))
        self.n_samples_ = n_samples
        self.n_components_ = k
        self.components_ = np.ascontiguousarray(decomposition.components[:k])
        self.explained_variance_ = variance[:k].copy()
        self.explained_variance_ratio_ = ratio[:k].copy()
        self.singular_values_ = decomposition.singular_values[:k].copy()
        self.mean_ = decomposition.mean
        self.noise_variance_ = noise

    @array_api_boundary
    def score_samples(self, X):
        """Log-likelihood of each sample under the probabilistic PCA model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to score.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            Gaussian log-density with the covariance of :meth:`get_covariance`
            (Tipping and Bishop, 1999).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        residual = X - self.mean_
        precision = self.get_precision()
        sign, logdet = np.linalg.slogdet(precision)
        if sign <= 0:
            logdet = -np.inf
        log_likelihood = -0.5 * np.einsum(
            "ij,ij->i", residual, residual @ precision, optimize=True
        )
        log_likelihood -= 0.5 * (X.shape[1] * log(2.0 * np.pi) - logdet)
        return log_likelihood

    @array_api_boundary
    def score(self, X, y=None):
        """Average log-likelihood of the samples (see :meth:`score_samples`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to score.
        y : None
            Ignored.

        Returns
        -------
        log_likelihood : float
            Mean log-likelihood; higher is better.
        """
        return float(np.mean(self.score_samples(X)))

    # Array API inputs (torch, cupy, ...) under scikit-learn's dispatch: see
    # skdeep.utils._array_api; the arithmetic stays numpy's.
    transform = array_api_boundary(_BasePCA.transform, reference="components_")
    inverse_transform = array_api_boundary(
        _BasePCA.inverse_transform, reference="components_"
    )
    get_covariance = array_api_boundary(_BasePCA.get_covariance)
    get_precision = array_api_boundary(_BasePCA.get_precision)
    _array_api_scalar_attributes = ("noise_variance_",)
    _array_api_overrides = array_api_overrides

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.array_api_support = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = self.svd_solver in _SPARSE_SOLVERS
        return tags
