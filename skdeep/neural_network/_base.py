"""The network-agnostic core shared by every skdeep network estimator.

:class:`BaseNeuralEstimator` validates data, builds
``Sequential(self._build_layers(...))``, makes the optimizer, schedule and
stopping rule, runs :func:`skdeep.nn.train` (or
:func:`skdeep.nn.lbfgs.train_lbfgs`) and sets the fitted attributes. A concrete
estimator supplies ``_build_layers`` and mixes in a head
(:class:`NeuralClassifierMixin` or :class:`NeuralRegressorMixin`) deciding how
targets are encoded, which loss is minimised and how outputs are predicted.

A fit never leaves a half-overwritten model: the network, optimizer and
history are built (or deep-copied) into locals and assigned only once
training succeeded.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import TransformerTags, check_random_state
from sklearn.utils.validation import validate_data

from ..nn import History, train
from ..utils.validation import check_sample_weight
from ._base_heads import NeuralClassifierMixin, NeuralRegressorMixin
from ._base_network import NetworkStateMixin
from ._base_representation import RepresentationMixin
from ._base_rng import _generator_from
from ._base_setup import (
    make_early_stopping,
    make_optimizer,
    make_schedule,
    recover_best_weights,
    resolve_batch_size,
    run_lbfgs,
    split_validation,
)
from ._lr_find import LRFindMixin

__all__ = ["BaseNeuralEstimator", "NeuralClassifierMixin", "NeuralRegressorMixin"]

_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")
_NONFINITE_HINT = (
    " Solver produced non-finite parameter weights. The input data may contain "
    "large values and need to be preprocessed."
)


class BaseNeuralEstimator(
    NetworkStateMixin, LRFindMixin, RepresentationMixin, BaseEstimator
):
    """Base class of skdeep's network estimators (do not use directly).

    Subclasses define ``_build_layers(input_shape, n_outputs) -> list of
    Layer`` and mix in a head. Optional hooks: ``_initialize_weights(network,
    random_state)`` to redraw the initial weights, ``_check_params()`` for
    cross-parameter checks, ``_representation_depth(network)`` for
    :meth:`transform`, ``_validate_fit_data``/``_validate_predict_data`` for
    n-d inputs.
    """

    # ---------------------------------------------------------------- hooks
    def _build_layers(self, input_shape, n_outputs):  # pragma: no cover
        raise NotImplementedError

    def _initialize_weights(self, network, random_state):
        """Redraw initial weights after ``build``; default keeps the layers' own."""

    def _check_params(self):
        """Reject hyper-parameter combinations (raise ValueError)."""

    def _validate_fit_data(self, X, y, *, reset):
        return validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
            y_numeric=self._y_numeric,
        )

    def _validate_predict_data(self, X):
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )

    # -------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        continuing = self._is_fitted_network() and (self.warm_start or incremental)
        saved = {a: self.__dict__[a] for a in _INPUT_ATTRIBUTES if a in self.__dict__}
        try:
            self._check_params()
            X, y = self._validate_fit_data(X, y, reset=not continuing)
            if sp.issparse(X):
                X = X.tocsr()  # mini-batches are row slices
            Y, head_state = self._encode_targets(
                y,
                X.dtype,
                continuing=continuing,
                incremental=incremental,
                classes=classes,
            )
            sample_weight = self._combined_sample_weight(
                sample_weight, X, y, head_state, incremental
            )
            state, notices = self._train_into_locals(
                X,
                Y,
                sample_weight,
                head_state,
                continuing=continuing,
                incremental=incremental,
            )
        except BaseException:
            for name in _INPUT_ATTRIBUTES:
                self.__dict__.pop(name, None)
            self.__dict__.update(saved)
            raise
        self.__dict__.update(head_state)
        self.__dict__.update(state)
        for message in notices:
            warnings.warn(message, ConvergenceWarning, stacklevel=4)
        return self

    def _combined_sample_weight(self, sample_weight, X, y, head_state, incremental):
        if sample_weight is None:
            return None
        return check_sample_weight(
            sample_weight,
            X,
            dtype=X.dtype,
            ensure_non_negative=True,
            allow_all_zero=False,
        )

    def _train_into_locals(
        self, X, Y, sample_weight, head_state, *, continuing, incremental
    ):
        random_state = check_random_state(self.random_state)
        network, history = self._starting_network(
            X, Y, random_state, continuing=continuing
        )
        loss = self._make_loss(Y.shape[1], head_state)
        if self.solver == "lbfgs":
            state, notices = self._run_lbfgs(
                network, loss, X, Y, sample_weight, history
            )
        else:
            scorer = self._make_validation_scorer(head_state)
            state, notices = self._run_stochastic(
                (X, Y, sample_weight),
                network=network,
                loss=loss,
                history=history,
                scorer=scorer,
                random_state=random_state,
                incremental=incremental,
            )
        self._check_finite_weights(network)
        exposed = state.pop("_exposed_network", network)
        state.setdefault("_training_network", None)
        state.update(
            _network=exposed,
            _loss=loss,
            history_=history,
            n_outputs_=Y.shape[1],
            out_activation_=self._out_activation_name(head_state),
            _no_improvement_count=history.no_improvement_count,
            **self._public_weights(exposed),
        )
        return state, notices

    def _starting_network(self, X, Y, random_state, *, continuing):
        """The network and history training starts from (copies when continuing).

        A new network's random layers (dropout) get a Generator seeded from
        ``random_state`` without consuming it; a continued one keeps its own
        (seeding a Generator costs 50 us, a tenth of a small partial_fit).
        """
        if continuing:
            if Y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {Y.shape[1]} outputs but the model has "
                    f"{self.n_outputs_}; refit without warm_start."
                )
            network = self._network_for_update(X.dtype, training=True)
            history = copy.deepcopy(self.__dict__.get("history_")) or History()
        else:
            rng = _generator_from(random_state)
            network = self._new_network(X.shape[1:], Y.shape[1], X.dtype, rng)
            self._initialize_weights(network, random_state)
            history = History()
        return network, history

    def _run_stochastic(
        self, data, *, network, loss, history, scorer, random_state, incremental
    ):
        # partial_fit keeps the optimizer state (moments, reduced rate) between
        # calls; fit and warm_start start a fresh optimizer, as sklearn does.
        keep = incremental and self.__dict__.get("_optimizer") is not None
        optimizer = copy.deepcopy(self._optimizer) if keep else make_optimizer(self)
        schedule = copy.deepcopy(self._schedule) if keep else make_schedule(self)
        if not keep and not isinstance(self.learning_rate, str):
            # a schedule object brings its own initial rate
            rate = getattr(schedule, "learning_rate", None)
            optimizer.learning_rate = optimizer.learning_rate if rate is None else rate
        pieces = dict(
            network=network,
            loss=loss,
            optimizer=optimizer,
            schedule=schedule,
            history=history,
            # Epochs are shuffled by the RandomState that drew the weights
            # and the validation split, as scikit-learn does: the same seed
            # gives scikit-learn's batches (the Generator serves dropout).
            rng=random_state,
            scorer=scorer,
        )
        if self.early_stopping and incremental:
            return self._partial_fit_with_validation(data, random_state, pieces)
        if self.early_stopping:
            train_part, validation = self._split(data, random_state, stratify=True)
        else:
            train_part, validation = data, None
        monitor = "val_score" if self.early_stopping else "loss"
        epochs = self._call_train(
            train_part,
            validation,
            **pieces,
            max_epochs=1 if incremental else self.max_iter,
            early_stopping=make_early_stopping(self, monitor=monitor),
        )
        notices = []
        if not incremental and epochs == self.max_iter and not history.stopped:
            notices.append(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet."
            )
        return self._stochastic_state(optimizer, schedule, history, epochs), notices

    def _split(self, data, random_state, *, stratify):
        X, Y, sample_weight = data
        return split_validation(
            X,
            Y,
            sample_weight,
            fraction=self.validation_fraction,
            random_state=random_state,
            stratify=self._stratification(Y) if stratify else None,
        )

    def _call_train(
        self,
        train_part,
        validation,
        *,
        network,
        loss,
        optimizer,
        schedule,
        history,
        rng,
        scorer,
        max_epochs,
        early_stopping,
    ):
        """Run :func:`skdeep.nn.train`; return the number of epochs it ran."""
        X, Y, sample_weight = train_part
        before = len(history.loss)
        try:
            train(
                network,
                loss,
                optimizer,
                X,
                Y,
                sample_weight=sample_weight,
                batch_size=resolve_batch_size(self.batch_size, X.shape[0]),
                max_epochs=max_epochs,
                shuffle=self.shuffle,
                rng=rng,
                schedule=schedule,
                early_stopping=early_stopping,
                validation=validation,
                validation_scorer=scorer if validation is not None else None,
                verbose=int(self.verbose),
                history=history,
            )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=2)
        except ValueError as exc:
            if "non-finite" not in str(exc):
                raise
            if not recover_best_weights(network, history, early_stopping, exc):
                raise ValueError(str(exc) + _NONFINITE_HINT) from exc
        return len(history.loss) - before

    def _stochastic_state(self, optimizer, schedule, history, epochs):
        early = bool(self.early_stopping)
        best_score = history.best_val_score if early else None
        return {
            "_optimizer": optimizer,
            "_schedule": schedule,
            "n_iter_": epochs,
            "t_": int(history.samples_seen),
            "loss_": np.float64(history.loss[-1] if history.loss else np.nan),
            # History holds np.float64 values (scikit-learn's types): a list
            # copy (a comprehension cost each partial_fit of a long-lived
            # model time in its age).
            "loss_curve_": list(history.loss),
            "best_loss_": None if early else np.float64(history.best_loss),
            "validation_scores_": list(history.val_score) if early else None,
            "best_validation_score_": None if best_score is None else float(best_score),
        }

    def _partial_fit_with_validation(self, data, random_state, pieces):
        """One epoch on part of the batch; the held-out rest scores it.

        Training continues from the latest weights (kept in
        ``_training_network``) while the model used for prediction
        (``coefs_``) is the best one seen on the held-out parts across calls.
        """
        history = pieces["history"]
        train_part, validation = self._split(data, random_state, stratify=False)
        best_before = history.best_val_score
        best_before = -np.inf if best_before is None else best_before
        stopping = make_early_stopping(self, monitor="val_score", restore_best=False)
        self._call_train(
            train_part, validation, **pieces, max_epochs=1, early_stopping=stopping
        )
        state = self._stochastic_state(
            pieces["optimizer"], pieces["schedule"], history, 1
        )
        improved = bool(history.val_score) and history.val_score[-1] > best_before
        if improved or "_network" not in self.__dict__:
            state["_exposed_network"] = copy.deepcopy(pieces["network"])
        else:
            state["_exposed_network"] = self._inference_network()
        state["_training_network"] = pieces["network"]
        return state, []

    def _run_lbfgs(self, network, loss, X, Y, sample_weight, history):
        return run_lbfgs(self, network, loss, (X, Y, sample_weight), history)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # transform() gives the learned representation (float32 stays float32).
        tags.transformer_tags = TransformerTags(preserves_dtype=["float64", "float32"])
        return tags
