"""Shared machinery of :class:`GradientBoostingClassifier` and ``...Regressor``."""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils import TransformerTags, check_random_state
from sklearn.utils.validation import column_or_1d, validate_data

from ..utils._fit_context import fit_context
from ..utils._param_validation import (
    Hidden,
    Interval,
    RealNotInt,
    StrOptions,
)
from ..utils.validation import check_sample_weight
from ._forest_traversal import FOREST_MAX_NODES, FlatForest
from ._gb_losses import make_loss
from ._gb_outputs import Model, TreeOutputsMixin
from ._gb_stages import StageInputs, fit_stages
from ._hist_binning import MAX_BINS, BinMapper
from ._hist_predict_bins import rebin_for_prediction
from ._hist_tree import BinnedData, HistTreeMember, TreeParams

_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")
_TREE_PARAMETERS = (
    "max_depth",
    "max_leaf_nodes",
    "min_samples_split",
    "min_samples_leaf",
    "min_weight_fraction_leaf",
    "min_impurity_decrease",
    "max_features",
    "ccp_alpha",
    "l2_regularization",
)


class BaseGradientBoosting(TreeOutputsMixin, BaseEstimator):
    """Fit/predict logic shared by the two gradient-boosting estimators."""

    _parameter_constraints: dict = {
        "learning_rate": [Interval(Real, 0.0, None, closed="left")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "criterion": [
            StrOptions({"squared_error"}),
            Hidden(StrOptions({"deprecated", "friedman_mse"})),
        ],
        "subsample": [Interval(Real, 0.0, 1.0, closed="right")],
        "min_samples_split": [
            Interval(Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "random_state": ["random_state"],
        "max_features": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "verbose": ["verbose"],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "warm_start": ["boolean"],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "ccp_alpha": [Interval(Real, 0.0, None, closed="left")],
        "max_bins": [Interval(Integral, 2, MAX_BINS, closed="both")],
        "l2_regularization": [Interval(Real, 0.0, None, closed="left")],
    }

    # -- fitting -------------------------------------------------------------
    def _max_features(self, n_features):
        mf = self.max_features
        if mf is None:
            return n_features
        if mf == "sqrt":
            return max(1, int(np.sqrt(n_features)))
        if mf == "log2":
            return max(1, int(np.log2(n_features)))
        if isinstance(mf, Integral):
            return int(mf)
        return max(1, int(mf * n_features))

    def _tree_params(self, n_rows, max_features):
        def count(value):
            return value if isinstance(value, Integral) else math.ceil(value * n_rows)

        min_leaf = count(self.min_samples_leaf)
        min_split = max(2, count(self.min_samples_split), 2 * min_leaf)
        return TreeParams(
            max_depth=self.max_depth,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_split=min_split,
            min_samples_leaf=min_leaf,
            min_weight_fraction_leaf=self.min_weight_fraction_leaf,
            min_impurity_decrease=self.min_impurity_decrease,
            l2_regularization=self.l2_regularization,
            max_features=max_features,
            ccp_alpha=self.ccp_alpha,
        )

    def _fit_init(self, loss, X, y, sample_weight, weighted):
        """Fit (a clone of) the init estimator; ``"zero"`` stays a string."""
        if self.init == "zero":
            return "zero"
        init = loss.default_init() if self.init is None else clone(self.init)
        if not weighted:
            init.fit(X, y)
        else:
            message = f"The initial estimator {type(init).__name__} does not support "
            message += "sample weights."
            try:
                init.fit(X, y, sample_weight=sample_weight)
            except TypeError as exc:
                if "unexpected keyword argument 'sample_weight'" in str(exc):
                    raise ValueError(message) from exc
                raise
            except ValueError as exc:
                if "stepname__parameter" in str(exc):
                    raise ValueError(message) from exc
                raise
        return init

    def _split_validation(self, X, y, w, n_classes):
        if self.n_iter_no_change is None:
            return (X, y, w), None
        stratify = y if is_classifier(self) else None
        X_tr, X_val, y_tr, y_val, w_tr, w_val = train_test_split(
            X,
            y,
            w,
            random_state=self.random_state,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        if is_classifier(self) and np.unique(y_tr).size != n_classes:
            raise ValueError(
                "The training data after the early stopping split is missing some "
                "classes. Try using another random seed."
            )
        return (X_tr, y_tr, w_tr), (X_val, y_val, w_val)

    def _validate_training_data(self, X, y, sample_weight, warm):
        if self.criterion != "deprecated":
            warnings.warn(
                "The parameter `criterion` is deprecated and will be removed in "
                "1.11. It has no effect. Leave it to its default value to avoid "
                "this warning.",
                FutureWarning,
                stacklevel=3,
            )
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc", "coo"],
            dtype=np.float32,
            multi_output=True,
            ensure_all_finite="allow-nan",
            reset=not warm,
        )
        X = X.toarray() if sp.issparse(X) else X
        weighted = sample_weight is not None
        sample_weight = check_sample_weight(sample_weight, X, dtype=np.float64)
        y, target_attrs = self._encode_y(y, sample_weight if weighted else None)
        y = column_or_1d(y, warn=True)
        return X, y, sample_weight, weighted, target_attrs

    def _start(self, loss, X, y, sample_weight, weighted):
        """Init estimator, random generator and bin edges of a fresh fit."""
        init = self._fit_init(loss, X, y, sample_weight, weighted)
        rng = check_random_state(self.random_state)
        # Zero-weight rows must not move the bin edges (weights of 0 and
        # removed rows are then equivalent).
        # A fixed seed for the (large-data) quantile subsample leaves the
        # main random stream to subsampling and trees, as in scikit-learn.
        mapper = BinMapper(self.max_bins, random_state=0)
        return init, rng, mapper.fit(X[sample_weight != 0])

    @fit_context
    def fit(self, X, y, sample_weight=None, monitor=None):
        """Fit the gradient boosting model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; converted to float32 (sparse input is densified).
            Missing values (NaN) are allowed.
        y : array-like of shape (n_samples,)
            Target values (class labels for classification).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; zero-weight samples are ignored by the trees.
        monitor : callable, default=None
            Called after each stage as ``monitor(i, self, locals())``; fitting
            stops when it returns True.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        # validate_data sets n_features_in_ / feature_names_in_ first: put
        # them back if fitting fails, so the previous model stays usable.
        saved = {k: v for k, v in vars(self).items() if k in _INPUT_ATTRIBUTES}
        try:
            return self._fit(X, y, sample_weight, monitor)
        except BaseException:
            for name in _INPUT_ATTRIBUTES:
                vars(self).pop(name, None)
            vars(self).update(saved)
            raise

    def _fit(self, X, y, sample_weight, monitor):
        warm = self.warm_start and self._is_fitted()
        X, y, sample_weight, weighted, target_attrs = self._validate_training_data(
            X, y, sample_weight, warm
        )
        loss = make_loss(self.loss, target_attrs.get("n_classes_", 1), self.alpha)
        n_classes = target_attrs.get("n_classes_")
        (X_tr, y_tr, w_tr), val = self._split_validation(X, y, sample_weight, n_classes)
        if warm:
            self._check_warm_start_size()
            init, rng, mapper = self.init_, self._rng, self._bin_mapper
            old = self.estimators_
        else:
            init, rng, mapper = self._start(loss, X_tr, y_tr, w_tr, weighted)
            old = np.empty((0, loss.n_trees), dtype=object)
        # Trees already fitted route by the prediction bins (see _store_state).
        model_mapper = self._predict_mapper if warm else mapper
        model = Model(init, loss, old, model_mapper, self.learning_rate)
        inputs = StageInputs(
            BinnedData(mapper.transform(X_tr), mapper), y_tr, w_tr, model.raw(X_tr)
        )
        if val is not None:
            X_val, y_val, w_val = val
            inputs.validation = (
                X_val,
                y_val,
                w_val,
                model.raw(X_val),
            )
        max_features = self._max_features(X.shape[1])
        params = self._tree_params(X_tr.shape[0], max_features)
        state = fit_stages(self, loss, inputs, params, rng, len(old), monitor)
        for name, value in target_attrs.items():
            setattr(self, name, value)
        self.max_features_, self._loss, self.init_ = max_features, loss, init
        self._bin_mapper, self._rng = mapper, rng
        self._store_state(state, old)
        return self

    def _check_warm_start_size(self):
        if self.n_estimators < self.estimators_.shape[0]:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"estimators_.shape[0]={self.estimators_.shape[0]} when "
                "warm_start==True"
            )

    def __getstate__(self):
        # The prediction forest copies the trees' arrays: rebuilt on loading.
        state = dict(super().__getstate__())
        state.pop("_flat_forest", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "estimators_" in state and "_predict_mapper" in state:
            members = self.estimators_.ravel()
            self._flat_forest = _fitted_forest(members, self._predict_mapper)

    def _store_state(self, state, old):
        new = np.empty((len(state.trees), self._loss.n_trees), dtype=object)
        tree_params = {name: getattr(self, name) for name in _TREE_PARAMETERS}
        tree_params["random_state"] = self._rng
        for i, trees in enumerate(state.trees):
            for k, tree in enumerate(trees):
                new[i, k] = HistTreeMember(tree, self._bin_mapper, **tree_params)
        warm = len(old) > 0
        self.estimators_ = np.concatenate([old, new]) if warm else new
        members = self.estimators_.ravel()
        self._predict_mapper = rebin_for_prediction(
            [member.tree_ for member in members], self._bin_mapper
        )
        for member in members:
            member.bin_mapper = self._predict_mapper
        self._flat_forest = _fitted_forest(members, self._predict_mapper)
        previous = self.train_score_ if warm else np.empty(0)
        self.train_score_ = np.concatenate([previous, state.train_score])
        had_oob = warm and hasattr(self, "oob_scores_")
        if self.subsample < 1.0 or had_oob:
            n_old = len(old)
            old_scores = self.oob_scores_ if had_oob else np.zeros(n_old)
            old_improve = self.oob_improvement_ if had_oob else np.zeros(n_old)
            self.oob_scores_ = np.concatenate([old_scores, state.oob_scores])
            self.oob_improvement_ = np.concatenate([old_improve, state.oob_improvement])
            self.oob_score_ = self.oob_scores_[-1]
        self.n_estimators_ = self.estimators_.shape[0]

    def _is_fitted(self):
        return len(getattr(self, "estimators_", [])) > 0

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True
        # ``transform`` exposes the per-tree outputs (member predictions).
        tags.transformer_tags = TransformerTags(preserves_dtype=["float64"])
        return tags


def _fitted_forest(members, mapper):
    """The :class:`FlatForest` kept for prediction (None for huge forests)."""
    trees = [member.tree_ for member in members]
    if sum(tree.node_count for tree in trees) > FOREST_MAX_NODES:
        return None
    return FlatForest(trees, mapper.n_bins_)
