"""The fitted network behind an estimator and its public weight attributes.

``coefs_`` and ``intercepts_`` are the Dense kernels and biases themselves
(the optimizers update them in place). Users may still assign new arrays, as
scikit-learn allows; the estimator then runs on a private copy of the network
that takes those values, so prediction never mutates the model.
"""

from __future__ import annotations

import copy

import numpy as np
from sklearn.utils import check_random_state

from .. import nn
from ..nn import Dense, Sequential
from ..nn.layers.containers import forward_layers

__all__ = ["NetworkStateMixin"]


def _dense_layers(network):
    found = []
    for layer in getattr(network, "layers", ()):
        if isinstance(layer, Dense):
            found.append(layer)
        elif isinstance(layer, Sequential):
            found.extend(_dense_layers(layer))
    return found


# Rows per inference chunk: bounds the hidden activations held at once
# (e.g. 8192 x 1024 units x 8 bytes = 64 MiB) without slowing small inputs.
_PREDICT_CHUNK_ROWS = 8192


def forward_in_chunks(layers, X, chunk_rows=_PREDICT_CHUNK_ROWS):
    """Inference pass of ``layers`` over ``X``, ``chunk_rows`` rows at a time."""

    # Arrays a layer just made may be overwritten by the next one (an
    # activation then works in place): one allocation per layer, not two.
    if X.shape[0] <= chunk_rows:
        return forward_layers(layers, X)
    starts = range(0, X.shape[0], chunk_rows)
    return np.concatenate(
        [forward_layers(layers, X[start : start + chunk_rows]) for start in starts]
    )


class NetworkStateMixin:
    """Links ``coefs_``/``intercepts_`` with ``_network``; pickling; forward passes."""

    def _is_fitted_network(self):
        return "coefs_" in self.__dict__

    def _new_network(self, input_shape, n_outputs, dtype, rng):
        network = Sequential(self._build_layers(tuple(input_shape), int(n_outputs)))
        network.build(tuple(input_shape), rng, dtype)
        return network

    @staticmethod
    def _public_weights(network):
        """``coefs_``/``intercepts_``: the Dense kernels and biases themselves."""
        dense = _dense_layers(network)
        return {
            "coefs_": [layer.params["kernel"].value for layer in dense],
            "intercepts_": [layer.params["bias"].value for layer in dense],
            "n_layers_": len(dense) + 1,
        }

    def _weights_are_linked(self):
        network = self.__dict__.get("_network")
        if network is None:
            return False
        dense = _dense_layers(network)
        coefs, intercepts = self.coefs_, self.intercepts_
        if len(coefs) != len(dense) or len(intercepts) != len(dense):
            return False
        return all(
            c is d.params["kernel"].value and b is d.params["bias"].value
            for c, b, d in zip(coefs, intercepts, dense)
        )

    def _network_for_update(self, dtype, *, training=False):
        """A private copy of the network, synced with ``coefs_``/``intercepts_``.

        ``training=True`` continues from the latest weights of a
        ``partial_fit`` with early stopping rather than from the best ones.
        """
        if training and self.__dict__.get("_training_network") is not None:
            return copy.deepcopy(self._training_network)
        source = self.__dict__.get("_network")
        if source is None:  # only coefs_/intercepts_ were set by hand
            coefs = self.coefs_
            dtype = np.asarray(coefs[0]).dtype if len(coefs) else dtype
            n_outputs = np.asarray(coefs[-1]).shape[1]
            rng = np.random.default_rng(0)
            network = self._new_network(self._input_shape(), n_outputs, dtype, rng)
        else:
            network = copy.deepcopy(source)
        self._copy_public_weights_into(network)
        return network

    def _copy_public_weights_into(self, network):
        dense = _dense_layers(network)
        if len(dense) != len(self.coefs_) or len(dense) != len(self.intercepts_):
            raise ValueError(
                f"coefs_ has {len(self.coefs_)} arrays and intercepts_ "
                f"{len(self.intercepts_)}, but the network has {len(dense)} layers."
            )
        for layer, coef, intercept in zip(dense, self.coefs_, self.intercepts_):
            for name, value in (("kernel", coef), ("bias", intercept)):
                target = layer.params[name].value
                value = np.asarray(value, dtype=target.dtype)
                if value.size != target.size:
                    raise ValueError(
                        f"A {name} of shape {value.shape} does not fit the "
                        f"network's {target.shape}."
                    )
                np.copyto(target, value.reshape(target.shape))

    def _input_shape(self):
        return (self.n_features_in_,)

    def _inference_network(self):
        if self._weights_are_linked():
            return self._network
        return self._network_for_update(np.float64)

    def _forward(self, X):
        """Raw (pre-link) outputs of shape (n_samples, n_outputs)."""
        return forward_in_chunks(self._inference_network().layers, X)

    def _mc_forward(self, X, n_draws):
        """``n_draws`` raw outputs with dropout kept on: (n_draws, n_samples, k)."""
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        rng = np.random.default_rng(seed)
        network = nn.mc_dropout_copy(self._inference_network(), rng)
        return np.stack([forward_in_chunks(network.layers, X) for _ in range(n_draws)])

    @staticmethod
    def _check_finite_weights(network):
        for param in network.parameters():
            if not np.isfinite(param.value).all():
                raise ValueError(
                    "Solver produced non-finite parameter weights. The input data "
                    "may contain large values and need to be preprocessed."
                )

    # --------------------------------------------------------------- pickle
    def __getstate__(self):
        # The kernels are pickled once, inside the network, and relinked on load.
        state = super().__getstate__()
        if self._is_fitted_network() and self._weights_are_linked():
            state = dict(state)
            del state["coefs_"], state["intercepts_"]
            state["_relink_weights"] = True
        return state

    def __setstate__(self, state):
        state = dict(state)
        relink = state.pop("_relink_weights", False)
        super().__setstate__(state)
        if relink:
            weights = self._public_weights(self._network)
            self.coefs_, self.intercepts_ = weights["coefs_"], weights["intercepts_"]
