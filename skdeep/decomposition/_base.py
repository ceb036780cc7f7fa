"""Behaviour shared by PCA and IncrementalPCA: projection and the PPCA model."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from scipy import linalg
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

_INPUT_METADATA = ("n_features_in_", "feature_names_in_")


@contextmanager
def keep_input_metadata_on_error(estimator):
    """Restore ``n_features_in_``/``feature_names_in_`` if the block raises.

    ``validate_data(reset=True)`` records the new input's metadata before the
    fit can fail; a failed re-fit must leave the previous model consistent.
    """
    saved = {
        k: estimator.__dict__[k] for k in _INPUT_METADATA if k in estimator.__dict__
    }
    try:
        yield
    except BaseException:
        for name in _INPUT_METADATA:
            estimator.__dict__.pop(name, None)
        estimator.__dict__.update(saved)
        raise


class _BasePCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Projection, reconstruction and the probabilistic-PCA covariance model.

    Subclasses fit ``components_``, ``explained_variance_``, ``mean_``,
    ``noise_variance_`` and ``n_components_``.
    """

    def _loadings_and_excess(self):
        """Axes scaled as the generative model needs, and their excess variance."""
        components = self.components_
        variance = self.explained_variance_
        if self.whiten:
            components = components * np.sqrt(variance)[:, np.newaxis]
        excess = np.maximum(variance - self.noise_variance_, 0.0)
        return components, excess.astype(variance.dtype, copy=False)

    def get_covariance(self):
        """Data covariance implied by the probabilistic PCA model.

        ``cov = components_.T @ diag(explained_variance_ - noise_variance_)
        @ components_ + noise_variance_ * I``.

        Returns
        -------
        cov : ndarray of shape (n_features, n_features)
            Estimated covariance of the data.
        """
        check_is_fitted(self)
        components, excess = self._loadings_and_excess()
        cov = (components.T * excess) @ components
        cov.flat[:: cov.shape[0] + 1] += self.noise_variance_
        return cov

    def get_precision(self):
        """Inverse of :meth:`get_covariance`, by the matrix inversion lemma.

        Only an ``(n_components, n_components)`` system is inverted unless the
        noise variance is zero.

        Returns
        -------
        precision : ndarray of shape (n_features, n_features)
            Estimated precision of the data.
        """
        check_is_fitted(self)
        n_features = self.components_.shape[1]
        if self.n_components_ == 0:
            return np.eye(n_features) / self.noise_variance_
        if self.noise_variance_ == 0.0:
            return linalg.inv(self.get_covariance())
        components, excess = self._loadings_and_excess()
        noise = self.noise_variance_
        with np.errstate(divide="ignore"):
            inner = components @ components.T / noise
            inner.flat[:: inner.shape[0] + 1] += 1.0 / excess
        precision = components.T @ linalg.inv(inner) @ components
        precision /= -(noise**2)
        precision.flat[:: n_features + 1] += 1.0 / noise
        return precision

    def transform(self, X):
        """Project ``X`` on the principal axes.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to project; sparse input is never densified.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components_)
            Coordinates along the principal axes (divided by the axis standard
            deviation when ``whiten=True``).
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            accept_sparse=("csr", "csc"),
            reset=False,
        )
        return self._project(X, centered=False)

    def _project(self, X, *, centered):
        projected = np.asarray(X @ self.components_.T)
        if not centered:
            # Centre after projecting: X itself is never copied or mutated.
            projected -= self.mean_ @ self.components_.T
        if self.whiten:
            scale = np.sqrt(self.explained_variance_)
            # Rank-deficient data can leave (near) zero variances behind.
            projected /= np.maximum(scale, np.finfo(scale.dtype).eps)
        return projected

    def inverse_transform(self, X):
        """Map projected data back to feature space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components_)
            Projected data, as returned by :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Reconstruction; exact when all components are kept.  Whitening is
            undone too.
        """
        check_is_fitted(self)
        X = check_array(X, input_name="X", dtype=[np.float64, np.float32])
        components = self.components_
        if self.whiten:
            components = np.sqrt(self.explained_variance_)[:, np.newaxis] * components
        return X @ components + self.mean_

    @property
    def _n_features_out(self):
        return self.components_.shape[0]
