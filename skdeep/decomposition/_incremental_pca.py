"""Incremental principal component analysis (batch by batch, out of core)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils import assert_all_finite, gen_batches, metadata_routing
from sklearn.utils.validation import validate_data

from ..utils._fit_context import fit_context
from ..utils._param_validation import Interval
from ..utils._threads import blas_controller
from ._base import _BasePCA, keep_input_metadata_on_error
from ._linalg import flip_signs, svd_right

__all__ = ["IncrementalPCA"]


@dataclass
class _IPCAState:
    """Everything an incremental update reads and writes (fitted-attribute values)."""

    n_samples_seen: int = 0
    mean: np.ndarray | float = 0.0
    var: np.ndarray | float = 0.0
    components: np.ndarray | None = None
    singular_values: np.ndarray | None = None
    explained_variance: np.ndarray | None = None
    explained_variance_ratio: np.ndarray | None = None
    noise_variance: float | None = None
    n_components: int | None = None


_ATTRIBUTES = {
    "n_samples_seen": "n_samples_seen_",
    "mean": "mean_",
    "var": "var_",
    "components": "components_",
    "singular_values": "singular_values_",
    "explained_variance": "explained_variance_",
    "explained_variance_ratio": "explained_variance_ratio_",
    "noise_variance": "noise_variance_",
    "n_components": "n_components_",
}


def _merged_moments(state, X):
    """Mean and (biased) variance of the old samples and batch ``X`` together.

    Chan, Golub and LeVeque's pairwise update: exact and stable, one pass
    over the batch.
    """
    n_old, n_new = state.n_samples_seen, X.shape[0]
    batch_mean = X.mean(axis=0)
    batch_var = X.var(axis=0)
    if n_old == 0:
        return batch_mean, batch_var, batch_mean
    n_total = n_old + n_new
    delta = batch_mean - state.mean
    mean = state.mean + delta * (n_new / n_total)
    squares = state.var * n_old + batch_var * n_new
    squares += delta**2 * (n_old * n_new / n_total)
    return mean, squares / n_total, batch_mean


def _target_components(n_components, state, shape, first_pass):
    """Number of axes for this update, with scikit-learn's error messages."""
    n_samples, n_features = shape
    if n_components is None:
        if state.components is None:
            return min(n_samples, n_features)
        return state.components.shape[0]
    if not n_components <= n_features:
        raise ValueError(
            f"n_components={n_components!r} invalid for n_features={n_features}, "
            "need more rows than columns for IncrementalPCA processing"
        )
    if n_components > n_samples and first_pass:
        raise ValueError(
            f"n_components={n_components} must be less or equal to the batch "
            f"number of samples {n_samples} for the first partial_fit call."
        )
    return n_components


def _stacked(state, X, mean, batch_mean):
    """``[S V; X - batch mean; mean correction]`` (just ``X - mean`` at first)."""
    if state.n_samples_seen == 0:
        return X - mean
    n_samples, n_features = X.shape
    n_total = state.n_samples_seen + n_samples
    n_old = state.components.shape[0]
    stacked = np.empty((n_old + n_samples + 1, n_features), dtype=X.dtype)
    np.multiply(state.singular_values[:, None], state.components, stacked[:n_old])
    np.subtract(X, batch_mean, out=stacked[n_old:-1])
    weight = np.sqrt((state.n_samples_seen / n_total) * n_samples)
    stacked[-1] = weight * (state.mean - batch_mean)
    return stacked


def _update(state, X, n_components, first_pass):
    """Fold batch ``X`` into ``state``; returns a new state, ``X`` is untouched.

    The new axes are those of the stacked matrix ``[S V; X - batch mean;
    mean correction]`` (Ross et al., 2008), whose SVD equals that of all the
    centred data seen so far up to the discarded tail.
    """
    n_samples, n_features = X.shape
    k = _target_components(n_components, state, X.shape, first_pass)
    if state.components is not None and state.components.shape[0] != k:
        raise ValueError(
            f"Number of input features has changed from {state.components.shape[0]} "
            f"to {k} between calls to partial_fit! Try setting n_components to a "
            "fixed value."
        )
    mean, var, batch_mean = _merged_moments(state, X)
    n_total = state.n_samples_seen + n_samples
    S, Vt = svd_right(_stacked(state, X, mean, batch_mean), overwrite_a=True)
    # Signs are per axis: fixing only the k kept ones skips a pass over the
    # discarded rows (a tenth of the fit time on 20000 features).
    Vt = Vt[:k].copy()  # (and the discarded rows can be freed)
    flip_signs(None, Vt)
    variance = S**2 / (n_total - 1)
    ratio = S**2 / np.sum(var * n_total)
    if k not in (n_samples, n_features):
        noise = float(variance[k:].mean())
    else:
        noise = 0.0
    return _IPCAState(
        n_samples_seen=n_total,
        mean=mean,
        var=var,
        components=Vt,
        singular_values=S[:k],
        explained_variance=variance[:k],
        explained_variance_ratio=ratio[:k],
        noise_variance=noise,
        n_components=k,
    )


def _blas_threads_for(batch_size, n_features):
    """One BLAS thread for small per-batch factorisations, else no limit.

    A loop of small QR/SVD calls gains nothing from BLAS threads, and on a
    busy machine each call can stall waiting for a descheduled worker thread
    (the same reason scikit-learn's KMeans limits BLAS threads).
    """
    if batch_size * n_features**2 < 2e8:
        # The cached controller: threadpool_limits scans the loaded
        # libraries on every call (2-3 ms, more than a small fit).
        return blas_controller().limit(limits=1)
    return nullcontext()


def _dense_batch(X, batch, dtype):
    """One batch as a dense float array (sparse rows are densified here only)."""
    rows = X[batch]
    rows = rows.toarray() if sp.issparse(rows) else np.asarray(rows)
    rows = rows.astype(dtype, copy=False)
    if not np.isfinite(rows.sum()):
        assert_all_finite(rows, input_name="X")
    return rows


class IncrementalPCA(_BasePCA):
    """PCA fitted one mini-batch at a time, in memory proportional to a batch.

    Each batch updates the principal axes through a small SVD of the previous
    axes stacked on the centred batch, so data that do not fit in memory (a
    ``numpy.memmap``, a stream of ``partial_fit`` calls, a large sparse
    matrix) can be decomposed.  Only one batch is ever converted to a dense
    float array; ``fit`` never copies the whole input.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of axes kept; ``None`` keeps ``min(n_samples, n_features)`` of
        the first batch.
    whiten : bool, default=False
        Divide the projections by the axis standard deviations.
    copy : bool, default=True
        Kept for compatibility with scikit-learn; the input is never modified.
    batch_size : int or None, default=None
        Samples per batch in :meth:`fit`; ``None`` means ``5 * n_features``.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
        Principal axes by decreasing variance, sign-normalised.
    explained_variance_ : ndarray of shape (n_components_,)
        Variance along each axis.
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Fraction of the total variance along each axis.
    singular_values_ : ndarray of shape (n_components_,)
        Singular values of the centred data seen so far.
    mean_ : ndarray of shape (n_features,)
        Running per-feature mean.
    var_ : ndarray of shape (n_features,)
        Running per-feature (biased) variance.
    noise_variance_ : float
        Probabilistic-PCA noise variance estimated from the discarded axes.
    n_components_ : int
        Number of axes kept.
    n_samples_seen_ : int
        Samples processed so far.
    batch_size_ : int
        Batch size used by :meth:`fit`.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during fit (only when ``X`` has string column names).

    See Also
    --------
    PCA : exact PCA of data held in memory.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdeep.decomposition import IncrementalPCA
    >>> X, _ = load_digits(return_X_y=True)
    >>> ipca = IncrementalPCA(n_components=7, batch_size=200).fit(X)
    >>> ipca.transform(X).shape
    (1797, 7)
    >>> ipca.n_samples_seen_
    1797
    """

    # check_input is a switch, not sample metadata to route.
    __metadata_request__partial_fit = {"check_input": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "whiten": ["boolean"],
        "copy": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, n_components=None, *, whiten=False, copy=True, batch_size=None):
        self.n_components = n_components
        self.whiten = whiten
        self.copy = copy
        self.batch_size = batch_size

    def _current_state(self):
        if not hasattr(self, "components_"):
            return _IPCAState()
        return _IPCAState(
            **{field: getattr(self, attr) for field, attr in _ATTRIBUTES.items()}
        )

    def _store(self, state):
        for field, attr in _ATTRIBUTES.items():
            setattr(self, attr, getattr(state, field))

    @fit_context
    def fit(self, X, y=None):
        """Fit the model on ``X`` in batches of ``batch_size`` rows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; a ``numpy.memmap`` is read one batch at a time and
            sparse rows are densified one batch at a time.
        y : None
            Ignored.

        Returns
        -------
        self : IncrementalPCA
            The fitted estimator.
        """
        with keep_input_metadata_on_error(self):
            return self._fit_in_batches(X)

    def _fit_in_batches(self, X):
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc", "lil"],
            dtype=[np.float64, np.float32],
            copy=False,
            ensure_all_finite=False,
            ensure_min_samples=2,
        )
        n_samples, n_features = X.shape
        batch_size = 5 * n_features if self.batch_size is None else self.batch_size
        state = _IPCAState()
        with _blas_threads_for(batch_size, n_features):
            for batch in gen_batches(
                n_samples, batch_size, min_batch_size=self.n_components or 0
            ):
                rows = _dense_batch(X, batch, X.dtype)
                first = state.components is None
                state = _update(state, rows, self.n_components, first)
        self._store(state)
        self.batch_size_ = batch_size
        return self

    @fit_context
    def partial_fit(self, X, y=None, check_input=True):
        """Update the model with one batch ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One batch of training data (dense; use :meth:`fit` for sparse).
        y : None
            Ignored.
        check_input : bool, default=True
            Validate ``X``; ``False`` trusts it to be a finite float array.

        Returns
        -------
        self : IncrementalPCA
            The updated estimator.
        """
        with keep_input_metadata_on_error(self):
            return self._partial_fit(X, check_input)

    def _partial_fit(self, X, check_input):
        first_pass = not hasattr(self, "components_")
        if check_input:
            if sp.issparse(X):
                raise TypeError(
                    "IncrementalPCA.partial_fit does not support "
                    "sparse input. Either convert data to dense "
                    "or use IncrementalPCA.fit to do so in batches."
                )
            X = validate_data(
                self,
                X,
                dtype=[np.float64, np.float32],
                reset=first_pass,
                # The variance of a single first sample is undefined.
                ensure_min_samples=2 if first_pass else 1,
            )
        state = _update(self._current_state(), X, self.n_components, first_pass)
        self._store(state)
        if first_pass and not hasattr(self, "batch_size_"):
            self.batch_size_ = (
                5 * X.shape[1] if self.batch_size is None else self.batch_size
            )
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
