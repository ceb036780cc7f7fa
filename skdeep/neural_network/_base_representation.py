"""``transform``: the learned representation of the neural estimators."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._base_network import forward_in_chunks


class RepresentationMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """``transform``/``fit_transform`` (activations of the last hidden layer),
    with ``get_feature_names_out`` and ``set_output`` as scikit-learn's
    transformers have them: a pipeline ending in a network can then be
    configured with ``set_output(transform="pandas")``.

    The host estimator provides ``_inference_network``, ``_is_fitted_network``
    and ``_validate_predict_data``.
    """

    def _representation_depth(self, network):
        return len(network.layers) - 1  # everything but the output layer

    def transform(self, X):
        """Activations of the last hidden layer (the learned representation).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_units_of_last_hidden_layer)
            ``X`` itself (densified) when there is no hidden layer.
        """
        check_is_fitted(self)
        X = self._validate_predict_data(X)
        network = self._inference_network()
        depth = self._representation_depth(network)
        if depth == 0:  # no hidden layer: the representation is the input
            return X.toarray() if sp.issparse(X) else np.asarray(X)
        return forward_in_chunks(network.layers[:depth], X)

    @property
    def _n_features_out(self):
        # Width of transform's output, for get_feature_names_out (which
        # takes an AttributeError for "not fitted").
        if not self._is_fitted_network():
            raise AttributeError("_n_features_out is set by fit.")
        network = self._inference_network()
        depth = self._representation_depth(network)
        if depth == 0:
            return self.n_features_in_
        return int(np.prod(network.layers[depth - 1].output_shape))

    def fit_transform(self, X, y, **fit_params):
        """Fit, then return :meth:`transform` of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        **fit_params : dict
            Passed to ``fit`` (e.g. ``sample_weight``).

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_units_of_last_hidden_layer)
        """
        return self.fit(X, y, **fit_params).transform(X)
