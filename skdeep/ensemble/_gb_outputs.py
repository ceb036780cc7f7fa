"""Prediction-side machinery shared by the gradient-boosting estimators."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import IndexableMembersMixin
from ._forest_traversal import FLAT_MAX_PAIRS, FlatForest


class Model:
    """Init estimator plus stages of trees: computes raw predictions."""

    def __init__(self, init, loss, stages, bin_mapper, learning_rate, forest=None):
        self.init, self.loss, self.stages = init, loss, stages
        self.bin_mapper, self.learning_rate = bin_mapper, learning_rate
        self._forest = forest

    @property
    def forest(self):
        """The :class:`FlatForest` built at fit time, if it still holds the
        stages' trees (None otherwise)."""
        trees = [member.tree_ for member in self.stages.ravel()]
        cache = self._forest
        if cache is not None and cache.matches(trees, self.bin_mapper.n_bins_):
            return cache
        return None

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
        if not len(self.stages):  # no tree yet: no need to bin X
            return self.init_raw(X)
        forest = self.forest
        if forest is None and X.shape[0] * self.stages.size <= FLAT_MAX_PAIRS:
            # A small batch: all trees at once pays even with a new forest.
            forest = FlatForest([member.tree_ for member in self.stages.ravel()])
        if forest is not None:
            return self._raw_all_trees_at_once(X, forest)
        final = None
        for final in self.staged_raw(X):  # noqa: B007 - keep the last stage
            pass
        return self.init_raw(X) if final is None else final

    def _raw_all_trees_at_once(self, X, forest):
        """:meth:`raw` through the :class:`FlatForest` of all trees.

        The stage contributions are added up by a reduction over the leading
        (stage) axis.  numpy then makes the stage axis its outer loop and adds
        one stage at a time, in stage order: the very floats of
        :meth:`staged_raw`'s running sum (a ``cumsum`` gives them too, 5-10x
        slower).  With a single (row, output) pair the stage axis would become
        the inner loop, summed pairwise, so the terms keep at least two
        columns.
        """
        raw = self.init_raw(X)
        n_stages, n_per_stage = self.stages.shape
        binned = self.bin_mapper.transform(X)
        # Row chunks keep the (tree, row) arrays in the cache.
        step = forest.chunk_rows()
        for start in range(0, X.shape[0], step):
            rows = slice(start, start + step)
            values = forest.values(binned[rows], self.bin_mapper.missing_bin_)
            n_rows = values.shape[1]
            terms = np.zeros((n_stages + 1, n_per_stage, max(n_rows, 2)))
            terms[0, :, :n_rows] = raw[rows].T
            np.multiply(
                values.reshape(n_stages, n_per_stage, n_rows),
                self.learning_rate,
                out=terms[1:, :, :n_rows],
            )
            raw[rows] = np.add.reduce(terms, axis=0)[:, :n_rows].T
        return raw


class TreeOutputsMixin(
    IndexableMembersMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin
):
    """Raw predictions, staged predictions and per-tree outputs.

    :meth:`transform` makes the estimators transformers, with
    ``get_feature_names_out`` and ``set_output`` (a pipeline ending in one
    can then be configured for pandas output).
    """

    @property
    def _n_features_out(self):
        # One column per tree in transform (AttributeError: not fitted).
        if "estimators_" not in self.__dict__:
            raise AttributeError("_n_features_out is set by fit.")
        return self.estimators_.size

    def _model(self):
        check_is_fitted(self)
        return Model(
            self.init_,
            self._loss,
            self.estimators_,
            self._predict_mapper,
            self.learning_rate,
            self.__dict__.get("_flat_forest"),
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

    def _compute_partial_dependence_recursion(self, grid, target_features):
        """Partial dependence of the raw output by Friedman's tree recursion.

        scikit-learn's name and contract (``sklearn.inspection`` calls it):
        the sum over trees of :meth:`HistTree.partial_dependence` times the
        learning rate, *without* the init estimator's prediction (exact when
        ``init`` is the default constant).

        Parameters
        ----------
        grid : ndarray of shape (n_points, n_target_features)
            Values of the target features.
        target_features : ndarray of shape (n_target_features,)
            Their column indices.

        Returns
        -------
        averaged_predictions : ndarray of shape (n_trees_per_iteration_, n_points)
        """
        check_is_fitted(self)
        if self.init is not None:
            warnings.warn(
                "Using recursion method with a non-constant init predictor "
                "will lead to incorrect partial dependence values. "
                f"Got init={self.init}.",
                UserWarning,
                stacklevel=2,
            )
        grid = np.asarray(grid, dtype=np.float32)
        target_features = np.asarray(target_features, dtype=np.intp)
        points = np.zeros((grid.shape[0], self.n_features_in_), dtype=np.float32)
        points[:, target_features] = grid
        binned = self._predict_mapper.transform(points)
        missing_bin = self._predict_mapper.missing_bin_
        averaged = np.zeros((self.estimators_.shape[1], grid.shape[0]))
        for trees in self.estimators_:
            for k, member in enumerate(trees):
                averaged[k] += member.tree_.partial_dependence(
                    binned, target_features, missing_bin
                )
        averaged *= self.learning_rate
        return averaged

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
        binned = self._predict_mapper.transform(X)
        missing_bin = self._predict_mapper.missing_bin_
        n_stages, n_trees = self.estimators_.shape
        forest = self._model().forest
        if forest is not None:  # all trees at once, in row chunks
            leaves = np.empty((X.shape[0], n_stages, n_trees))
            step = forest.chunk_rows()
            for start in range(0, X.shape[0], step):
                rows = slice(start, start + step)
                local = forest.leaves(binned[rows], missing_bin)
                local -= forest.roots[:, None]
                local = local.reshape(n_stages, n_trees, -1)
                leaves[rows] = local.transpose(2, 0, 1)  # cache-sized transposes
            return leaves
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
        binned = self._predict_mapper.transform(X)
        missing_bin = self._predict_mapper.missing_bin_
        forest = self._model().forest
        if forest is not None:  # all trees at once, in row chunks
            out = np.empty((X.shape[0], forest.roots.shape[0]))
            step = forest.chunk_rows()
            for start in range(0, X.shape[0], step):
                rows = slice(start, start + step)
                values = forest.values(binned[rows], missing_bin)
                np.multiply(values.T, self.learning_rate, out=out[rows])
            return out
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


def declare_recursion_support(*classes):
    """Let :func:`sklearn.inspection.partial_dependence` use the recursion.

    scikit-learn takes Friedman's recursion (the default for its gradient
    boosting, weighted by each node's training sample weight) only for
    instances of its gradient-boosting base class, which is an abstract base
    class.  Registering ``classes`` as virtual subclasses inherits no code (an
    ``issubclass`` answer only; ``partial_dependence`` is the one place
    scikit-learn asks) and gives our models the same default method, the
    same values and ``method="recursion"``.  A scikit-learn without that
    private class leaves them on ``method="brute"``.
    """
    try:
        from sklearn.ensemble._gb import BaseGradientBoosting
    except ImportError:  # pragma: no cover - another private layout
        return
    for cls in classes:
        BaseGradientBoosting.register(cls)
