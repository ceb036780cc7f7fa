"""Gradient-boosted histogram trees for classification and regression."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets

from ..utils._param_validation import HasMethods, Interval, StrOptions
from ._gb_base import BaseGradientBoosting
from ._gb_docs import x_method_doc
from ._gb_outputs import declare_recursion_support

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]


class _HasMethods(HasMethods):
    # scikit-learn's wording ("'fit' and 'predict'"), which its tests match.
    def __str__(self):
        names = [repr(m) for m in self.methods]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1])
        if len(names) > 1:
            listed += f" and {names[-1]}"
        return f"an object implementing {listed}"


_COMMON_PARAMETERS_DOC = """
    learning_rate : float, default=0.1
        Shrinkage: each tree's contribution is multiplied by it.
    n_estimators : int, default=100
        Number of boosting stages.
    subsample : float, default=1.0
        Fraction of the samples drawn (without replacement) to grow each
        stage; below 1 this is stochastic gradient boosting and enables the
        out-of-bag attributes.
    criterion : {"squared_error"}, default="deprecated"
        Deprecated in scikit-learn and without effect (the trees always use
        the squared error); setting it warns.
    min_samples_split : int or float, default=2
        Minimum number of samples (or fraction of the samples) to split a node.
    min_samples_leaf : int or float, default=1
        Minimum number of samples (or fraction) in each leaf.
    min_weight_fraction_leaf : float, default=0.0
        Minimum fraction of the total sample weight in each leaf.
    max_depth : int or None, default=3
        Maximum depth of each tree; None for unlimited.
    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted decrease of the squared error,
        divided by the total weight, reaches this value.
    init : estimator, "zero" or None, default=None
        Estimator giving the initial predictions (None: the class prior or
        the mean/median/quantile of the target, depending on the loss).
    random_state : int, RandomState instance or None, default=None
        Controls subsampling, feature sampling, the quantile-binning
        subsample and the early-stopping split.
    max_features : {"sqrt", "log2"}, int, float or None, default=None
        Number of features considered for each split.
%(after_max_features)s    verbose : int, default=0
        Print progress (every stage if > 1).
    max_leaf_nodes : int or None, default=None
        Grow trees best-first with at most this many leaves.
    warm_start : bool, default=False
        Add stages to the already fitted model instead of starting again.
    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.
    n_iter_no_change : int or None, default=None
        Stop when the validation loss has not improved by ``tol`` for this
        many stages (None: no early stopping).
    tol : float, default=1e-4
        Tolerance of early stopping.
    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning, applied to
        every tree after it is grown (0: no pruning).
    max_bins : int, default=255
        Maximum number of quantile bins per feature (skdeep addition); with
        fewer distinct values than this, split search is exact.
    l2_regularization : float, default=0.0
        L2 penalty on leaf values added to the hessian sums (skdeep addition).
"""

_COMMON_ATTRIBUTES_DOC = """
    n_estimators_ : int
        Number of stages actually fitted (fewer with early stopping).
    estimators_ : ndarray of HistTree of shape (n_estimators_, K)
        The fitted trees (K = 1 except multiclass classification).
    train_score_ : ndarray of shape (n_estimators_,)
        Training loss after each stage (in-bag loss when ``subsample < 1``).
    oob_improvement_ : ndarray of shape (n_estimators_,)
        Decrease of the out-of-bag loss at each stage (``subsample < 1``).
    oob_scores_ : ndarray of shape (n_estimators_,)
        Out-of-bag loss after each stage (``subsample < 1``).
    oob_score_ : float
        Last out-of-bag loss (``subsample < 1``).
    init_ : estimator or "zero"
        The fitted initial estimator.
    max_features_ : int
        Number of features considered for each split.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` had string column names.
"""


def _doc(template, after_max_features=""):
    parameters = _COMMON_PARAMETERS_DOC.replace(
        "%(after_max_features)s", after_max_features
    )
    return template.replace("%(common_parameters)s", parameters).replace(
        "%(common_attributes)s", _COMMON_ATTRIBUTES_DOC
    )


class GradientBoostingClassifier(ClassifierMixin, BaseGradientBoosting):
    _parameter_constraints: dict = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"log_loss", "exponential"})],
        "init": [StrOptions({"zero"}), None, _HasMethods(["fit", "predict_proba"])],
    }

    def __init__(
        self,
        *,
        loss="log_loss",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        criterion="deprecated",
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_depth=3,
        min_impurity_decrease=0.0,
        init=None,
        random_state=None,
        max_features=None,
        verbose=0,
        max_leaf_nodes=None,
        warm_start=False,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
        ccp_alpha=0.0,
        max_bins=255,
        l2_regularization=0.0,
    ):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.verbose = verbose
        self.max_leaf_nodes = max_leaf_nodes
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha
        self.max_bins = max_bins
        self.l2_regularization = l2_regularization

    alpha = 0.9  # unused by the classification losses

    def _encode_y(self, y, sample_weight):
        check_classification_targets(y)
        encoder = LabelEncoder()
        encoded = encoder.fit_transform(y)
        classes = encoder.classes_
        if sample_weight is None:
            n_present = classes.size
        else:
            n_present = np.count_nonzero(np.bincount(encoded, weights=sample_weight))
        if n_present < 2:
            raise ValueError(
                f"y contains {n_present} class after sample_weight trimmed classes "
                "with zero weights, while a minimum of 2 classes are required."
            )
        attrs = {"classes_": classes, "n_classes_": classes.size}
        return encoded.astype(np.float64), attrs

    def decision_function(self, X):
        """Raw (log-odds scale) scores.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            One column (squeezed) for binary problems.
        """
        raw = self._raw_predict(X)
        return raw.ravel() if raw.shape[1] == 1 else raw

    @x_method_doc("staged_decision_function")
    def staged_decision_function(self, X):
        yield from self._staged_raw_predict(X)

    def _labels(self, raw):
        if raw.shape[1] == 1:
            return self.classes_[(raw[:, 0] >= 0).astype(int)]
        return self.classes_[np.argmax(raw, axis=1)]

    @x_method_doc("classifier.predict")
    def predict(self, X):
        return self._labels(self._raw_predict(X))

    @x_method_doc("classifier.staged_predict")
    def staged_predict(self, X):
        for raw in self._staged_raw_predict(X):
            yield self._labels(raw)

    @x_method_doc("predict_proba")
    def predict_proba(self, X):
        raw = self._raw_predict(X)
        return self._loss.predict_proba(raw)

    @x_method_doc("predict_log_proba")
    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    @x_method_doc("staged_predict_proba")
    def staged_predict_proba(self, X):
        for raw in self._staged_raw_predict(X):
            yield self._loss.predict_proba(raw)


GradientBoostingClassifier.__doc__ = _doc(
    """Gradient boosting for classification on vectorised histogram trees.

    Each stage fits one regression tree per class (one for binary problems)
    to the negative gradient of the log-loss (or exponential loss); leaf
    values are then set by a Newton step. Trees are skdeep's histogram trees:
    features are binned once into at most ``max_bins`` quantile bins and NaN
    is routed to the better side of every split.

    Parameters
    ----------
    loss : {"log_loss", "exponential"}, default="log_loss"
        Binomial/multinomial log-loss, or the AdaBoost exponential loss
        (binary only).
%(common_parameters)s
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
%(common_attributes)s
    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdeep.ensemble import GradientBoostingClassifier
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = GradientBoostingClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
)


class GradientBoostingRegressor(RegressorMixin, BaseGradientBoosting):
    _parameter_constraints: dict = {
        **BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber", "quantile"})],
        "init": [StrOptions({"zero"}), None, _HasMethods(["fit", "predict"])],
        "alpha": [Interval(Real, 0.0, 1.0, closed="neither")],
    }

    def __init__(
        self,
        *,
        loss="squared_error",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        criterion="deprecated",
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_depth=3,
        min_impurity_decrease=0.0,
        init=None,
        random_state=None,
        max_features=None,
        alpha=0.9,
        verbose=0,
        max_leaf_nodes=None,
        warm_start=False,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
        ccp_alpha=0.0,
        max_bins=255,
        l2_regularization=0.0,
    ):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.init = init
        self.random_state = random_state
        self.max_features = max_features
        self.alpha = alpha
        self.verbose = verbose
        self.max_leaf_nodes = max_leaf_nodes
        self.warm_start = warm_start
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.ccp_alpha = ccp_alpha
        self.max_bins = max_bins
        self.l2_regularization = l2_regularization

    def _encode_y(self, y, sample_weight):
        return y.astype(np.float64, copy=False), {}

    @x_method_doc("regressor.predict")
    def predict(self, X):
        return self._raw_predict(X).ravel()

    @x_method_doc("regressor.staged_predict")
    def staged_predict(self, X):
        for raw in self._staged_raw_predict(X):
            yield raw.ravel()

    @x_method_doc("regressor.apply")
    def apply(self, X):
        leaves = super().apply(X)
        return leaves.reshape(leaves.shape[0], leaves.shape[1])


GradientBoostingRegressor.__doc__ = _doc(
    """Gradient boosting for regression on vectorised histogram trees.

    Each stage fits one regression tree to the negative gradient of the loss;
    for the absolute, Huber and quantile losses the leaf values are then
    re-estimated from the residuals of the samples in each leaf (weighted
    median, Friedman's Huber step, weighted quantile).

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "quantile"}, \
default="squared_error"
        Loss to optimise.
%(common_parameters)s
    Attributes
    ----------
%(common_attributes)s
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skdeep.ensemble import GradientBoostingRegressor
    >>> X, y = make_regression(n_samples=300, n_features=5, random_state=0)
    >>> reg = GradientBoostingRegressor(n_estimators=50, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.9)
    True
    """,
    after_max_features="""\
    alpha : float, default=0.9
        Quantile of the quantile loss, and the quantile of the absolute
        residuals that sets the Huber threshold.
""",
)


declare_recursion_support(GradientBoostingClassifier, GradientBoostingRegressor)
