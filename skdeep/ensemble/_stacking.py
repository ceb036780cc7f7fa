"""Stacked generalisation: StackingClassifier and StackingRegressor."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ..utils._fit_context import fit_context
from ..utils._param_validation import StrOptions
from ._base import raise_for_params
from ._stacking_base import _BaseStacking
from ._voting_base import default_classifiers, default_regressors

__all__ = ["StackingClassifier", "StackingRegressor"]


def _final_has(method):
    def check(self):
        getattr(self._current_final(), method)  # raises AttributeError if missing
        return True

    return check


class StackingClassifier(ClassifierMixin, _BaseStacking):
    """Stack classifiers and let a final classifier combine their outputs.

    Members are fitted on the whole training set; the final estimator is
    trained on their cross-validated (out-of-fold) predictions.  A stacking
    estimator can itself be the ``final_estimator``: layers of blenders.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples, default=None
        The members (any estimators; ``"drop"`` removes one). ``None``
        (skdeep extension; scikit-learn requires the list) uses a Gaussian
        naive Bayes and a depth-4 decision tree.
    final_estimator : estimator, default=None
        Classifier trained on the members' outputs;
        ``None`` means :class:`~sklearn.linear_model.LogisticRegression`.
    cv : int, cross-validation generator, iterable or "prefit", default=None
        Folds for the out-of-fold predictions (``None``: 5-fold, stratified
        for a classifier). ``"prefit"``: members are already fitted and used
        as is (the final estimator is then trained on their in-sample outputs).
    stack_method : {"auto", "predict_proba", "decision_function", "predict"}, \
            default="auto"
        Member method whose output is stacked; ``"auto"`` tries them in that
        order.
    n_jobs : int, default=None
        Parallel jobs (joblib) for the member fits and cross-validation.
    passthrough : bool, default=False
        Also give the original features to the final estimator.
    verbose : int, default=0
        Verbosity of the cross-validation.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels (one array per output for multilabel targets).
    estimators_ : list of estimators
        Fitted members (dropped ones excluded).
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        Fitted members by name.
    final_estimator_ : estimator
        The fitted final estimator.
    stack_method_ : list of str
        Method used for each member (always ``"predict"`` in a regressor).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when the members saw string column names.

    See Also
    --------
    StackingRegressor : The regression counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdeep.ensemble import StackingClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> stack = StackingClassifier(
    ...     [("nb", GaussianNB()), ("tree", DecisionTreeClassifier(max_depth=3))],
    ...     cv=3,
    ... ).fit(X, y)
    >>> stack.transform(X[:2]).shape
    (2, 6)
    """

    _parameter_constraints: dict = {
        **_BaseStacking._parameter_constraints,
        "stack_method": [
            StrOptions({"auto", "predict_proba", "decision_function", "predict"})
        ],
    }

    def __init__(
        self,
        estimators=None,
        final_estimator=None,
        *,
        cv=None,
        stack_method="auto",
        n_jobs=None,
        passthrough=False,
        verbose=0,
    ):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.cv = cv
        self.stack_method = stack_method
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose

    @staticmethod
    def _default_final():
        return LogisticRegression()

    def _members(self):
        # Any estimator may be a member: a regressor's predict is a fine feature.
        return self._checked_members(default_classifiers)

    @fit_context
    def fit(self, X, y, **fit_params):
        """Fit the members, then the final estimator on their out-of-fold outputs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (a multilabel indicator matrix is accepted).
        **fit_params : dict
            ``sample_weight`` (forwarded to the members and the final
            estimator) or, with metadata routing, what the members request.

        Returns
        -------
        self : object
        """
        raise_for_params(fit_params, self, "fit", allow=["sample_weight"])
        check_classification_targets(y)
        if type_of_target(y) == "multilabel-indicator":
            encoder = [LabelEncoder().fit(column) for column in np.asarray(y).T]
            classes = [e.classes_ for e in encoder]
            y_encoded = np.array(
                [e.transform(col) for e, col in zip(encoder, np.asarray(y).T)]
            ).T
        else:
            encoder = LabelEncoder().fit(y)
            classes = encoder.classes_
            y_encoded = encoder.transform(y)
        binary = not isinstance(classes, list) and len(classes) == 2
        self._fit_stack(X, y_encoded, fit_params, binary=binary)
        self._label_encoder, self.classes_ = encoder, classes
        return self

    @available_if(_final_has("predict"))
    def predict(self, X, **predict_params):
        """Predict with the final estimator on the members' outputs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        **predict_params : dict
            Passed to the final estimator's ``predict`` (routed if enabled).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        params = self._final_predict_params(predict_params)
        encoded = self.final_estimator_.predict(self.transform(X), **params)
        if isinstance(self._label_encoder, list):
            return np.array(
                [
                    e.inverse_transform(column)
                    for e, column in zip(self._label_encoder, encoded.T)
                ]
            ).T
        return self._label_encoder.inverse_transform(encoded)

    @available_if(_final_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the final estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        proba = self.final_estimator_.predict_proba(self.transform(X))
        if isinstance(self._label_encoder, list):
            return np.array([p[:, 0] for p in proba]).T
        return proba

    @available_if(_final_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the final estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self.final_estimator_.decision_function(self.transform(X))


class StackingRegressor(RegressorMixin, _BaseStacking):
    """Stack regressors and let a final regressor combine their predictions.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples, default=None
        The members (``"drop"`` removes one). ``None`` (skdeep extension)
        uses a ridge regression and a depth-4 decision tree.
    final_estimator : estimator, default=None
        Regressor trained on the members' out-of-fold predictions;
        ``None`` means :class:`~sklearn.linear_model.RidgeCV`.
    cv : int, cross-validation generator, iterable or "prefit", default=None
        Folds for the out-of-fold predictions (``None``: 5-fold, stratified
        for a classifier). ``"prefit"``: members are already fitted and used
        as is (the final estimator is then trained on their in-sample outputs).
    n_jobs : int, default=None
        Parallel jobs (joblib) for the member fits and cross-validation.
    passthrough : bool, default=False
        Also give the original features to the final estimator.
    verbose : int, default=0
        Verbosity of the cross-validation.

    Attributes
    ----------
    estimators_ : list of estimators
        Fitted members (dropped ones excluded).
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        Fitted members by name.
    final_estimator_ : estimator
        The fitted final estimator.
    stack_method_ : list of str
        Method used for each member (always ``"predict"`` in a regressor).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when the members saw string column names.

    See Also
    --------
    StackingClassifier : The classification counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skdeep.ensemble import StackingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> stack = StackingRegressor(
    ...     [("ridge", Ridge()), ("tree", DecisionTreeRegressor(max_depth=3))], cv=3
    ... ).fit(X, y)
    >>> stack.transform(X[:5]).shape
    (5, 2)
    """

    def __init__(
        self,
        estimators=None,
        final_estimator=None,
        *,
        cv=None,
        n_jobs=None,
        passthrough=False,
        verbose=0,
    ):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.cv = cv
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose

    @staticmethod
    def _default_final():
        return RidgeCV()

    def _members(self):
        from sklearn.base import is_regressor

        return self._checked_members(default_regressors, is_regressor, "regressor")

    @fit_context
    def fit(self, X, y, **fit_params):
        """Fit the members, then the final estimator on their out-of-fold outputs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        **fit_params : dict
            ``sample_weight`` (forwarded to the members and the final
            estimator) or, with metadata routing, what the members request.

        Returns
        -------
        self : object
        """
        raise_for_params(fit_params, self, "fit", allow=["sample_weight"])
        y = column_or_1d(y, warn=True)
        return self._fit_stack(X, y, fit_params)

    @available_if(_final_has("predict"))
    def predict(self, X, **predict_params):
        """Predict with the final estimator on the members' predictions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        **predict_params : dict
            Passed to the final estimator's ``predict`` (routed if enabled).

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        params = self._final_predict_params(predict_params)
        return self.final_estimator_.predict(self.transform(X), **params)
