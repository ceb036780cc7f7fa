"""What the two MLP estimators share: parameter constraints, their
documentation and the network they build."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from .. import nn
from ..nn import Activation, Dense
from ..nn.functional import ACTIVATIONS
from ..nn.initializers import INITIALIZERS, default_initializer
from ..nn.lbfgs import lbfgs_objective
from ..utils._param_validation import HasMethods, Interval, Options, StrOptions

__all__ = ["MLPNetworkMixin", "MLP_CONSTRAINTS", "MLP_PARAMETERS_DOC"]

OPTIMIZER_NAMES = (
    "sgd",
    "adam",
    "adagrad",
    "adadelta",
    "rmsprop",
    "adamax",
    "nadam",
    "adamw",
)
SCHEDULE_NAMES = (
    "constant",
    "invscaling",
    "adaptive",
    "power",
    "piecewise",
    "exponential",
    "1cycle",
)
_POSITIVE_OR_NONE = [Interval(Real, 0, None, closed="neither"), None]

MLP_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions(set(ACTIVATIONS)), tuple],
    "solver": [StrOptions({"lbfgs", *OPTIMIZER_NAMES}), HasMethods(["step"])],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions(set(SCHEDULE_NAMES)), callable],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "learning_rate_params": [dict, None],
    "weight_init": [StrOptions({"auto", *INITIALIZERS}), callable, None],
    "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    "batch_normalization": ["boolean"],
    "l1": [Interval(Real, 0, None, closed="left")],
    "clipnorm": list(_POSITIVE_OR_NONE),
    "clipvalue": list(_POSITIVE_OR_NONE),
    "max_norm": list(_POSITIVE_OR_NONE),
    "mc_samples": [Interval(Integral, 1, None, closed="left"), None],
}

MLP_PARAMETERS_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,) or int, default=(100,)
        Number of units of each hidden layer; ``()`` gives no hidden layer.

    activation : str or (callable, callable), default="relu"
        Hidden-layer activation. sklearn's ``"identity"``, ``"logistic"``,
        ``"tanh"``, ``"relu"`` and every name of :mod:`skdeep.nn.functional`
        (``"leaky_relu"``, ``"elu"``, ``"selu"``, ``"gelu"``, ``"swish"``,
        ``"mish"``, ``"softplus"``, ...), or a ``(function, derivative)`` pair
        where ``derivative(x, y)`` receives the input and the output.

    solver : str or Optimizer, default="adam"
        ``"lbfgs"`` (full-batch quasi-Newton through scipy, deterministic and
        best on small data), ``"sgd"``, ``"adam"`` or any optimizer of
        :func:`skdeep.nn.get_optimizer` (``"adagrad"``, ``"adadelta"``,
        ``"rmsprop"``, ``"adamax"``, ``"nadam"``, ``"adamw"``), or an
        :class:`skdeep.nn.Optimizer` instance (copied, never mutated).

    alpha : float, default=0.0001
        L2 penalty strength (divided by the batch's sample count, as sklearn).

    batch_size : int or "auto", default="auto"
        Mini-batch size of the stochastic solvers; ``"auto"`` is
        ``min(200, n_samples)``. Ignored by ``"lbfgs"``.

    learning_rate : str or schedule, default="constant"
        Learning-rate schedule. sklearn's ``"constant"``, ``"invscaling"``
        (``learning_rate_init / (t + 1) ** power_t``, ``t`` = samples seen) and
        ``"adaptive"`` (divide by 5 when ``n_iter_no_change`` epochs do not
        improve) apply to the non-Adam solvers, exactly as in sklearn; the
        others (``"power"``, ``"piecewise"``, ``"exponential"``, ``"1cycle"``)
        or any callable ``(epoch, history) -> rate`` apply to every stochastic
        solver.

    learning_rate_init : float, default=0.001
        Initial learning rate (peak rate for ``"1cycle"``).

    power_t : float, default=0.5
        Exponent of ``"invscaling"``.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (lbfgs).

    shuffle : bool, default=True
        Shuffle the samples every epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the early-stopping split and the
        shuffling (all drawn exactly as sklearn draws them: the same seed
        gives sklearn's weights and batches), dropout and MC dropout.

    tol : float, default=1e-4
        Improvement below which an epoch counts as "no change"; lbfgs'
        gradient tolerance.

    verbose : bool or int, default=False
        Print one progress line per epoch.

    warm_start : bool, default=False
        Continue from the previous solution on the next ``fit``.

    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.

    nesterovs_momentum : bool, default=True
        Nesterov momentum for ``solver="sgd"``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score has
        not improved by ``tol`` for ``n_iter_no_change`` epochs and keep the
        best weights. With :meth:`partial_fit`, see the user guide: each call
        holds out part of its batch and ``coefs_`` is the best model so far.

    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.

    beta_1, beta_2 : float, default=0.9, 0.999
        Moment decay rates of the Adam family.

    epsilon : float, default=1e-8
        Numerical stabiliser of the adaptive solvers.

    n_iter_no_change : int or np.inf, default=10
        Patience of the stopping rule, in epochs.

    max_fun : int, default=15000
        Maximum number of loss evaluations of ``"lbfgs"``.

    learning_rate_params : dict, default=None
        Extra arguments of the named schedule, e.g.
        ``{"boundaries": [50], "values": [1e-2, 1e-3]}`` for ``"piecewise"``
        or ``{"decay_rate": 0.95}`` for ``"exponential"``.

    weight_init : str, callable or None, default=None
        None draws sklearn's uniform ``±sqrt(6 / (fan_in + fan_out))``
        (``±sqrt(2 / ...)`` for logistic), intercepts included; ``"auto"``
        picks He/LeCun/Glorot from the activation; or any name of
        :mod:`skdeep.nn.initializers` or a callable
        ``(shape, fan_in, fan_out, rng, dtype) -> ndarray`` (zero intercepts).

    dropout : float or list of float, default=0.0
        Inverted-dropout rate after each hidden layer (one rate for all, or one
        per hidden layer). Not available with ``"lbfgs"``.

    batch_normalization : bool, default=False
        Insert batch normalisation before each hidden activation.

    l1 : float, default=0.0
        L1 penalty strength (scaled like ``alpha``).

    clipnorm, clipvalue : float or None, default=None
        Clip gradients by global norm / by value before each step.

    max_norm : float or None, default=None
        Rescale each unit's incoming weights to this norm after each step.

    mc_samples : int or None, default=None
        Monte-Carlo dropout passes averaged at prediction time (dropout kept
        on); None predicts with the deterministic network."""


class MLPNetworkMixin:
    """The fully connected network of the MLP estimators."""

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(int(s) <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(s) for s in sizes]

    def _dropout_rates(self, n_hidden):
        rates = np.atleast_1d(np.asarray(self.dropout, dtype=float))
        if rates.size == 1:
            rates = np.repeat(rates, n_hidden)
        if rates.size != n_hidden or np.any((rates < 0) | (rates >= 1)):
            raise ValueError(
                f"dropout must be one rate in [0, 1) or one per hidden layer "
                f"({n_hidden}); got {self.dropout!r}."
            )
        return rates.tolist()

    def _check_params(self):
        n_hidden = len(self._hidden_sizes())
        rates = self._dropout_rates(n_hidden)
        if self.solver == "lbfgs" and any(rates):
            raise ValueError(
                "solver='lbfgs' needs a deterministic loss and cannot train with "
                "dropout; use a stochastic solver (e.g. 'adam') or dropout=0."
            )
        if isinstance(self.activation, tuple) and not (
            len(self.activation) == 2 and all(map(callable, self.activation))
        ):
            raise ValueError(
                "activation must be a registry name or a (function, derivative) "
                f"pair of callables; got {self.activation!r}."
            )

    def _kernel_initializer(self):
        if self.weight_init is None:
            return "zeros"  # redrawn by _initialize_weights, sklearn's way
        if self.weight_init == "auto":
            name = self.activation if isinstance(self.activation, str) else ""
            return default_initializer(name)
        return self.weight_init

    def _build_layers(self, input_shape, n_outputs):
        sizes = self._hidden_sizes()
        kernel_init = self._kernel_initializer()
        layers = []
        for units, rate in zip(sizes, self._dropout_rates(len(sizes))):
            layers.append(Dense(units, kernel_initializer=kernel_init))
            if self.batch_normalization:
                layers.append(nn.BatchNormalization(momentum=0.9))
            layers.append(Activation(self.activation))
            if rate > 0:
                layers.append(nn.Dropout(rate))
        layers.append(Dense(n_outputs, kernel_initializer=kernel_init))
        return layers

    def _initialize_weights(self, network, random_state):
        """sklearn's draw: U(±sqrt(factor / (fan_in + fan_out))), kernel then bias."""
        if self.weight_init is not None:
            return
        factor = 2.0 if self.activation in ("logistic", "sigmoid") else 6.0
        for dense in self._dense_layers_of(network):
            kernel, bias = dense.params["kernel"].value, dense.params["bias"].value
            bound = np.sqrt(factor / sum(kernel.shape))
            kernel[...] = random_state.uniform(-bound, bound, kernel.shape)
            bias[...] = random_state.uniform(-bound, bound, bias.shape)

    @staticmethod
    def _dense_layers_of(network):
        return [layer for layer in network.layers if isinstance(layer, Dense)]

    def _loss_grad_lbfgs(self, packed_coef_inter, X, y, sample_weight=None, *_):
        """Loss and gradient at ``packed_coef_inter`` (sklearn's private hook).

        The vector packs every ``coefs_`` then every ``intercepts_`` (raveled),
        as scikit-learn does; ``y`` is the encoded target. Works on a copy of
        the network: the fitted model is not modified.
        """
        network = self._network_for_update(np.asarray(X).dtype)
        dense = self._dense_layers_of(network)
        order = [d.params["kernel"] for d in dense] + [d.params["bias"] for d in dense]
        dtype = order[0].value.dtype
        objective = lbfgs_objective(
            network,
            self._loss,
            X,
            np.asarray(y, dtype=dtype),
            sample_weight=sample_weight,
            l2=self.alpha,
            l1=self.l1,
            parameters=order,
        )
        return objective(np.asarray(packed_coef_inter, dtype=np.float64))
