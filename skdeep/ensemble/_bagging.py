"""Bagging and pasting: :class:`BaggingClassifier` and :class:`BaggingRegressor`."""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ._bagging_base import _BaseBagging
from ._bagging_members import member_votes, sum_log_proba, sum_votes
from ._bagging_oob import classification_oob, regression_oob

__all__ = ["BaggingClassifier", "BaggingRegressor"]


def _members_have(method):
    def check(self):
        members = getattr(self, "estimators_", None)
        source = members[0] if members else self._get_estimator()
        return hasattr(source, method)

    return check


class BaggingClassifier(ClassifierMixin, _BaseBagging):
    """A bagging (or pasting) ensemble of classifiers.

    Each member is a clone of ``estimator`` fitted on a random draw of the
    training rows (``bootstrap=True``: with replacement, *bagging*;
    ``bootstrap=False``: without, *pasting*) and of the columns (random
    subspaces / patches).  Members vote with their ``predict_proba`` when they
    have it (soft voting), else with their predicted class.

    Parameters
    ----------
    estimator : object, default=None
        Member template (any classifier); ``None`` means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    n_estimators : int, default=10
        Number of members.
    max_samples : int or float, default=None
        The number of samples to draw from X to train each member: ``None``
        all ``n_samples``; an int that many; a float that fraction of
        ``n_samples`` (of the total weight with ``sample_weight``).
    max_features : int or float, default=1.0
        Columns drawn per member (int: count, float: fraction).
    bootstrap : bool, default=True
        Draw rows with replacement (bagging) or without (pasting).
    bootstrap_features : bool, default=False
        Draw columns with replacement.
    oob_score : bool, str or callable, default=False
        Score the ensemble on the rows each member did not see. ``True`` uses
        accuracy (as scikit-learn); a scorer name (``"roc_auc"``,
        ``"neg_log_loss"``...) or a callable ``scorer(estimator, X, y)`` is
        applied to the out-of-bag predictions of the rows that have some.
    warm_start : bool, default=False
        Keep the fitted members and add ``n_estimators - len(estimators_)``.
    n_jobs : int, default=None
        Parallel jobs (joblib) for fit and predict; ``-1`` uses all cores.
        Results do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws and the members' own ``random_state``.
    verbose : int, default=0
        Verbosity of the joblib progress messages.

    Attributes
    ----------
    estimator_ : estimator
        The member template.
    estimators_ : list of estimators
        Fitted members (they were trained on encoded labels ``0..n_classes-1``).
    estimators_samples_ : list of ndarray
        Row indices drawn for each member.
    estimators_features_ : list of ndarray
        Column indices drawn for each member.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    oob_score_ : float
        Out-of-bag score (only with ``oob_score``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag class probabilities of each training row (NaN rows were
        in every member's draw).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` has string column names.

    See Also
    --------
    BaggingRegressor : The regression counterpart.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdeep.ensemble import BaggingClassifier
    >>> X, y = make_classification(200, 6, random_state=0)
    >>> clf = BaggingClassifier(n_estimators=10, oob_score=True, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> clf.predict(X[:3]).shape, round(clf.oob_score_, 1) > 0.7
    ((3,), True)
    """

    def _get_estimator(self):
        return DecisionTreeClassifier() if self.estimator is None else self.estimator

    def _encode_target(self, y):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        classes, y_encoded = np.unique(y, return_inverse=True)
        return y_encoded, {"classes_": classes, "n_classes_": len(classes)}

    @property
    def _n_features_out(self):
        """Number of :meth:`transform` columns: ``n_classes_`` per member."""
        return len(self.estimators_) * self.n_classes_

    def _set_oob_score(self, X, y):
        decision, score = classification_oob(self, X, y)
        self.oob_decision_function_, self.oob_score_ = decision, score

    def predict(self, X, **params):
        """Predict the class with the highest summed vote.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        **params : dict
            Metadata routed to the members (metadata routing only).

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X, **params)
        return self.classes_.take(np.argmax(proba, axis=1), axis=0)

    def predict_proba(self, X, **params):
        """Average of the members' class probabilities (or vote shares).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        **params : dict
            Metadata routed to the members (metadata routing only).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        routed = self._routed_predict_params("predict_proba", params)
        X = self._check_predict_X(X)
        work = partial(_votes_chunk, n_classes=self.n_classes_, params=routed)
        return self._predict_chunks(X, work) / len(self.estimators_)

    def predict_log_proba(self, X, **params):
        """Log of :meth:`predict_proba`, computed stably when members allow.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        **params : dict
            Metadata routed to the members (metadata routing only).

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        if not hasattr(self._get_estimator(), "predict_log_proba"):
            return np.log(self.predict_proba(X, **params))
        routed = self._routed_predict_params("predict_log_proba", params)
        X = self._check_predict_X(X)
        work = partial(
            sum_log_proba,
            n_classes=self.n_classes_,
            params=routed.get("predict_log_proba", {}),
        )
        log_total = self._predict_chunks(X, work, combine=_logaddexp_all)
        return log_total - np.log(len(self.estimators_))

    @available_if(_members_have("decision_function"))
    def decision_function(self, X, **params):
        """Average of the members' decision functions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        **params : dict
            Metadata routed to the members (metadata routing only).

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        return self._mean_member_output("decision_function", X, params)

    def transform(self, X):
        """Member predictions: each member's class-probability vote.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        votes : ndarray of shape (n_samples, n_estimators * n_classes)
            Block ``i`` holds member ``i``'s ``predict_proba`` (one-hot vote
            for members without it), columns in ``classes_`` order.
        """
        return self._stacked_member_outputs(
            X, partial(member_votes, n_classes=self.n_classes_, params={})
        )


def _votes_chunk(members, features, X, n_classes, params):
    return sum_votes(members, features, X, n_classes, params)


def _logaddexp_all(parts):
    return np.logaddexp.reduce(np.stack(parts), axis=0)


class BaggingRegressor(RegressorMixin, _BaseBagging):
    """A bagging (or pasting) ensemble of regressors.

    Each member is a clone of ``estimator`` fitted on a random draw of the
    training rows and columns; the prediction is the members' average.

    Parameters
    ----------
    estimator : object, default=None
        Member template (any regressor); ``None`` means a
        :class:`~sklearn.tree.DecisionTreeRegressor`.
    n_estimators : int, default=10
        Number of members.
    max_samples : int or float, default=None
        The number of samples to draw from X to train each member: ``None``
        all ``n_samples``; an int that many; a float that fraction of
        ``n_samples``.
    max_features : int or float, default=1.0
        Columns drawn per member (int: count, float: fraction).
    bootstrap : bool, default=True
        Draw rows with replacement (bagging) or without (pasting).
    bootstrap_features : bool, default=False
        Draw columns with replacement.
    oob_score : bool, str or callable, default=False
        Score on the out-of-bag rows: ``True`` uses R² (as scikit-learn); a
        scorer name (``"neg_mean_absolute_error"``...) or a callable
        ``scorer(estimator, X, y)`` is applied to the out-of-bag predictions.
    warm_start : bool, default=False
        Keep the fitted members and add ``n_estimators - len(estimators_)``.
    n_jobs : int, default=None
        Parallel jobs (joblib) for fit and predict. Results do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws and the members' own ``random_state``.
    verbose : int, default=0
        Verbosity of the joblib progress messages.

    Attributes
    ----------
    estimator_ : estimator
        The member template.
    estimators_ : list of estimators
        Fitted members.
    estimators_samples_ : list of ndarray
        Row indices drawn for each member.
    estimators_features_ : list of ndarray
        Column indices drawn for each member.
    oob_score_ : float
        Out-of-bag score (only with ``oob_score``).
    oob_prediction_ : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Out-of-bag prediction of each training row.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` has string column names.

    See Also
    --------
    BaggingClassifier : The classification counterpart.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skdeep.ensemble import BaggingRegressor
    >>> X, y = make_regression(200, 4, noise=1.0, random_state=0)
    >>> reg = BaggingRegressor(n_estimators=10, random_state=0).fit(X, y)
    >>> round(reg.score(X, y), 1) >= 0.9
    True
    """

    def _get_estimator(self):
        return DecisionTreeRegressor() if self.estimator is None else self.estimator

    def _encode_target(self, y):
        if y.ndim == 1 or y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return y, {"_n_outputs": 1 if y.ndim == 1 else y.shape[1]}

    @property
    def _n_features_out(self):
        """Number of :meth:`transform` columns: one per member and output."""
        return len(self.estimators_) * self._n_outputs

    def _set_oob_score(self, X, y):
        prediction, score = regression_oob(self, X, y)
        self.oob_prediction_, self.oob_score_ = prediction, score

    def predict(self, X, **params):
        """Average of the members' predictions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        **params : dict
            Metadata routed to the members (metadata routing only).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._mean_member_output("predict", X, params)

    def transform(self, X):
        """Member predictions, one column per member (and output).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        predictions : ndarray of shape (n_samples, n_estimators * n_outputs)
        """
        return self._stacked_member_outputs(X, _prediction_columns)


def _prediction_columns(member, X):
    return np.reshape(member.predict(X), (X.shape[0], -1))
