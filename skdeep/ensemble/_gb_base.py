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
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..utils._param_validation import (
    Hidden,
    Interval,
    RealNotInt,
    StrOptions,
    fit_context,
)
from ..utils.validation import check_sample_weight
from ._gb_losses import make_loss
from ._gb_stages import StageInputs, fit_stages
from ._hist_binning import MAX_BINS, BinMapper
from ._hist_tree import BinnedData, HistTreeMember, TreeParams

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


class _Model:
    """Init estimator plus stages of trees: computes raw predictions."""

    def __init__(self, init, loss, stages, bin_mapper, learning_rate):
        self.init, self.loss, self.stages = init, loss, stages
        self.bin_mapper, self.learning_rate = bin_mapper, learning_rate

    def init_raw(self, X):
        if isinstance(self.init, str):  # "zero"
            return np.zeros((X.shape[0], self.loss.n_trees))
        return self.loss.raw_from_init(self.init, X)

    def staged_raw(self, X):
        """Yield the raw predictions after each stage (the array is reused)."""
        raw = self.init_raw(X)
        binned = self.bin_mapper.transform(X)
        missing_bin = self.bin_mapper.missing_bin_
        for trees in self.stages:
            for k, member in enumerate(trees):
                values = member.tree_.predict_binned(binned, missing_bin)
                raw[:, k] += self.learning_rate * values
            yield raw

    def raw(self, X):
        final = None
        for final in self.staged_raw(X):  # noqa: B007 - keep the last stage
            pass
        return self.init_raw(X) if final is None else final


class BaseGradientBoosting(BaseEstimator):
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

    def _tree_params(self, n_rows, total_weight, max_features):
        def count(value):
            return value if isinstance(value, Integral) else math.ceil(value * n_rows)

        min_leaf = count(self.min_samples_leaf)
        min_split = max(2, count(self.min_samples_split), 2 * min_leaf)
        return TreeParams(
            max_depth=self.max_depth,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_split=min_split,
            min_samples_leaf=min_leaf,
            min_weight_leaf=self.min_weight_fraction_leaf * total_weight,
            min_impurity_decrease=self.min_impurity_decrease * total_weight,
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
        if self.criterion != "deprecated":
            warnings.warn(
                "The parameter `criterion` is deprecated and will be removed in "
                "1.11. It has no effect. Leave it to its default value to avoid "
                "this warning.",
                FutureWarning,
                stacklevel=2,
            )
        warm = self.warm_start and self._is_fitted()
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
        loss = make_loss(self.loss, target_attrs.get("n_classes_", 1), self.alpha)
        n_classes = target_attrs.get("n_classes_")
        (X_tr, y_tr, w_tr), val = self._split_validation(X, y, sample_weight, n_classes)
        if warm:
            self._check_warm_start_size()
            init, rng, mapper = self.init_, self._rng, self._bin_mapper
            old = self.estimators_
        else:
            init = self._fit_init(loss, X_tr, y_tr, w_tr, weighted)
            rng = check_random_state(self.random_state)
            # Zero-weight rows must not move the bin edges (weights of 0 and
            # removed rows are then equivalent).
            mapper = BinMapper(self.max_bins, random_state=rng).fit(X_tr[w_tr != 0])
            old = np.empty((0, loss.n_trees), dtype=object)
        model = _Model(init, loss, old, mapper, self.learning_rate)
        inputs = StageInputs(
            BinnedData(mapper.transform(X_tr), mapper), y_tr, w_tr, model.raw(X_tr)
        )
        if val is not None:
            X_val, y_val, w_val = val
            inputs.validation = (
                mapper.transform(X_val),
                y_val,
                w_val,
                model.raw(X_val),
            )
        max_features = self._max_features(X.shape[1])
        params = self._tree_params(X_tr.shape[0], w_tr.sum(), max_features)
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

    def _store_state(self, state, old):
        new = np.empty((len(state.trees), self._loss.n_trees), dtype=object)
        tree_params = {name: getattr(self, name) for name in _TREE_PARAMETERS}
        tree_params["random_state"] = self._rng
        for i, trees in enumerate(state.trees):
            for k, tree in enumerate(trees):
                new[i, k] = HistTreeMember(tree, self._bin_mapper, **tree_params)
        warm = len(old) > 0
        self.estimators_ = np.concatenate([old, new]) if warm else new
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

    # -- prediction ----------------------------------------------------------
    def _model(self):
        check_is_fitted(self)
        return _Model(
            self.init_,
            self._loss,
            self.estimators_,
            self._bin_mapper,
            self.learning_rate,
        )

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc", "coo"],
            dtype=np.float32,
            ensure_all_finite="allow-nan",
            reset=False,
        )
        return X.toarray() if sp.issparse(X) else X

    def _raw_predict(self, X):
        """Raw (link-scale) predictions, shape (n_samples, n_trees_per_stage)."""
        return self._model().raw(self._validate_X_predict(X))

    def _staged_raw_predict(self, X):
        model = self._model()
        for raw in model.staged_raw(self._validate_X_predict(X)):
            yield raw.copy()

    @property
    def n_trees_per_iteration_(self):
        """Number of trees per boosting stage (``n_classes_`` for multiclass)."""
        check_is_fitted(self)
        return self.estimators_.shape[1]

    @property
    def feature_importances_(self):
        """Impurity-based feature importances, shape (n_features,).

        The total decrease of the weighted squared error brought by each
        feature, averaged over the trees that split at least once and
        normalised to sum to one (all zeros if no tree ever split).
        """
        check_is_fitted(self)
        per_tree = [
            member.tree_.feature_importances(self.n_features_in_)
            for member in self.estimators_.ravel()
            if member.tree_.node_count > 1
        ]
        if not per_tree:
            return np.zeros(self.n_features_in_, dtype=np.float64)
        mean = np.mean(per_tree, axis=0)
        return mean / mean.sum()

    def apply(self, X):
        """Leaf index of every sample in every tree.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        X_leaves : ndarray of shape (n_samples, n_estimators, n_trees_per_stage)
            Node index (in that tree's arrays) of the leaf each sample reaches.
        """
        X = self._validate_X_predict(X)
        binned = self._bin_mapper.transform(X)
        missing_bin = self._bin_mapper.missing_bin_
        n_stages, n_trees = self.estimators_.shape
        leaves = np.zeros((X.shape[0], n_stages, n_trees))
        for i, trees in enumerate(self.estimators_):
            for k, tree in enumerate(trees):
                leaves[:, i, k] = tree.tree_.apply_binned(binned, missing_bin)
        return leaves

    def transform(self, X):
        """Output of every tree, scaled by the learning rate.

        Row sums plus the init estimator's raw prediction give the decision
        function, so the columns are the "member predictions" of the boosted
        ensemble and can feed another model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        X_trees : ndarray of shape (n_samples, n_estimators_ * n_trees_per_stage)
            Column ``i * n_trees_per_stage + k`` holds tree ``(i, k)``'s
            contribution ``learning_rate * tree(x)``.
        """
        X = self._validate_X_predict(X)
        binned = self._bin_mapper.transform(X)
        missing_bin = self._bin_mapper.missing_bin_
        columns = [
            self.learning_rate * member.tree_.predict_binned(binned, missing_bin)
            for member in self.estimators_.ravel()
        ]
        return np.column_stack(columns)

    def fit_transform(self, X, y, **fit_params):
        """Fit, then return :meth:`transform` of the training data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Targets.
        **fit_params : dict
            Passed to :meth:`fit` (``sample_weight``, ``monitor``).

        Returns
        -------
        X_trees : ndarray of shape (n_samples, n_estimators_ * n_trees_per_stage)
        """
        return self.fit(X, y, **fit_params).transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True
        # ``transform`` exposes the per-tree outputs (member predictions).
        tags.transformer_tags = TransformerTags(preserves_dtype=["float64"])
        return tags
