"""Voting ensembles: :class:`VotingClassifier` and :class:`VotingRegressor`.

Different models are fitted on the same data and combined: by majority (hard)
or averaged-probability (soft) vote for classification, by a (weighted)
average for regression.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ..utils._fit_context import fit_context
from ..utils._param_validation import StrOptions
from ._base import raise_for_params
from ._voting_base import _BaseVoting

__all__ = ["VotingClassifier", "VotingRegressor"]


class VotingClassifier(ClassifierMixin, _BaseVoting):
    """Combine different classifiers by majority or averaged-probability vote.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples, default=None
        The members; any of them can be set to ``"drop"`` through
        :meth:`set_params`. ``None`` (skdeep extension; scikit-learn requires
        the list) uses a Gaussian naive Bayes and a depth-4 decision tree.
    voting : {"hard", "soft"}, default="hard"
        ``"hard"``: each member votes for its predicted class; ``"soft"``: the
        class with the largest (weighted) mean ``predict_proba`` wins.
    weights : array-like of shape (n_estimators,), default=None
        Weight of each member's vote (``None``: equal weights).
    n_jobs : int, default=None
        Members fitted in parallel with joblib.
    flatten_transform : bool, default=True
        With soft voting, :meth:`transform` returns ``(n_samples,
        n_members * n_classes)`` if True, else ``(n_members, n_samples,
        n_classes)``.
    verbose : bool, default=False
        Print the time taken to fit each member.

    Attributes
    ----------
    estimators_ : list of classifiers
        The fitted members (without the dropped ones); they were trained on
        encoded labels ``0..n_classes-1``.
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        Fitted members by name.
    le_ : :class:`~sklearn.preprocessing.LabelEncoder`
        Encoder of the labels.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when the members saw string column names.

    See Also
    --------
    VotingRegressor : The regression counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from skdeep.ensemble import VotingClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> vote = VotingClassifier(
    ...     [("lr", LogisticRegression(max_iter=500)), ("nb", GaussianNB())],
    ...     voting="soft",
    ... ).fit(X, y)
    >>> vote.predict_proba(X[:2]).shape, vote.transform(X[:2]).shape
    ((2, 3), (2, 6))
    """

    _parameter_constraints: dict = {
        **_BaseVoting._parameter_constraints,
        "voting": [StrOptions({"hard", "soft"})],
        "flatten_transform": ["boolean"],
    }

    def __init__(
        self,
        estimators=None,
        *,
        voting="hard",
        weights=None,
        n_jobs=None,
        flatten_transform=True,
        verbose=False,
    ):
        self.estimators = estimators
        self.voting = voting
        self.weights = weights
        self.n_jobs = n_jobs
        self.flatten_transform = flatten_transform
        self.verbose = verbose

    @fit_context
    def fit(self, X, y, **fit_params):
        """Fit every member on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels.
        **fit_params : dict
            ``sample_weight`` (always forwarded to every member) or, with
            metadata routing, any metadata the members request.

        Returns
        -------
        self : object
        """
        raise_for_params(fit_params, self, "fit", allow=["sample_weight"])
        y_type = type_of_target(y, input_name="y")
        if y_type in ("unknown", "continuous"):
            raise ValueError(
                f"Unknown label type: {y_type}. Maybe you are trying to fit a "
                "classifier, which expects discrete classes on a regression "
                "target with continuous values."
            )
        if y_type not in ("binary", "multiclass"):
            raise NotImplementedError(
                f"{type(self).__name__} only supports binary or multiclass "
                "classification. Multilabel and multi-output classification are "
                "not supported."
            )
        encoder = LabelEncoder().fit(y)
        self._fit_members(X, encoder.transform(y), fit_params)
        self.le_, self.classes_ = encoder, encoder.classes_
        return self

    def predict(self, X):
        """Predict the winning class of the (hard or soft) vote.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if self.voting == "soft":
            return self.le_.inverse_transform(np.argmax(self.predict_proba(X), axis=1))
        predictions = self._predict(X).astype(np.intp)
        weights = self._weights_not_none
        weights = np.ones(predictions.shape[1]) if weights is None else weights
        ballots = np.zeros((predictions.shape[0], len(self.classes_)))
        rows = np.arange(predictions.shape[0])
        for column, weight in zip(predictions.T, weights):
            ballots[rows, column] += weight
        return self.le_.inverse_transform(np.argmax(ballots, axis=1))

    def _collect_probas(self, X):
        return np.asarray([member.predict_proba(X) for member in self.estimators_])

    def _soft_only(self):
        if self.voting == "hard":
            raise AttributeError(
                f"predict_proba is not available when voting={self.voting!r}"
            )
        return True

    @available_if(_soft_only)
    def predict_proba(self, X):
        """Weighted average of the members' class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return np.average(
            self._collect_probas(X), axis=0, weights=self._weights_not_none
        )

    def transform(self, X):
        """Member predictions: class probabilities (soft) or labels (hard).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        Xt : ndarray
            Soft voting: ``(n_samples, n_members * n_classes)``, or
            ``(n_members, n_samples, n_classes)`` if not ``flatten_transform``.
            Hard voting: ``(n_samples, n_members)`` encoded labels.
        """
        check_is_fitted(self)
        if self.voting == "hard":
            return self._predict(X)
        probas = self._collect_probas(X)
        return np.hstack(probas) if self.flatten_transform else probas

    def get_feature_names_out(self, input_features=None):
        """Names of the :meth:`transform` columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked against the names seen in fit; otherwise unused.

        Returns
        -------
        names : ndarray of str objects
        """
        check_is_fitted(self, "n_features_in_")
        if self.voting == "soft" and not self.flatten_transform:
            raise ValueError(
                "get_feature_names_out is not supported when `voting='soft'` and "
                "`flatten_transform=False`"
            )
        suffixes = ("",) if self.voting == "hard" else range(len(self.classes_))
        return self._prefixed_member_names(input_features, suffixes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


class VotingRegressor(RegressorMixin, _BaseVoting):
    """Average the predictions of different regressors.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples, default=None
        The members; any of them can be set to ``"drop"``. ``None`` (skdeep
        extension) uses a ridge regression and a depth-4 decision tree.
    weights : array-like of shape (n_estimators,), default=None
        Weight of each member in the average (``None``: equal weights).
    n_jobs : int, default=None
        Members fitted in parallel with joblib.
    verbose : bool, default=False
        Print the time taken to fit each member.

    Attributes
    ----------
    estimators_ : list of regressors
        The fitted members (without the dropped ones).
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        Fitted members by name.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when the members saw string column names.

    See Also
    --------
    VotingClassifier : The classification counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skdeep.ensemble import VotingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> vote = VotingRegressor(
    ...     [("lr", LinearRegression()), ("tree", DecisionTreeRegressor(max_depth=3))]
    ... ).fit(X, y)
    >>> vote.transform(X[:4]).shape
    (4, 2)
    """

    def __init__(self, estimators=None, *, weights=None, n_jobs=None, verbose=False):
        self.estimators = estimators
        self.weights = weights
        self.n_jobs = n_jobs
        self.verbose = verbose

    @fit_context
    def fit(self, X, y, **fit_params):
        """Fit every member on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        **fit_params : dict
            ``sample_weight`` (always forwarded to every member) or, with
            metadata routing, any metadata the members request.

        Returns
        -------
        self : object
        """
        raise_for_params(fit_params, self, "fit", allow=["sample_weight"])
        y = column_or_1d(y, warn=True)
        return self._fit_members(X, y, fit_params)

    def predict(self, X):
        """Weighted average of the members' predictions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return np.average(self._predict(X), axis=1, weights=self._weights_not_none)

    def transform(self, X):
        """Member predictions, one column per member.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        predictions : ndarray of shape (n_samples, n_members)
        """
        check_is_fitted(self)
        return self._predict(X)

    def get_feature_names_out(self, input_features=None):
        """Names of the :meth:`transform` columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked against the names seen in fit; otherwise unused.

        Returns
        -------
        names : ndarray of str objects
        """
        check_is_fitted(self, "n_features_in_")
        return self._prefixed_member_names(input_features)
