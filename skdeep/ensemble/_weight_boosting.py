"""AdaBoost: :class:`AdaBoostClassifier` (SAMME) and :class:`AdaBoostRegressor` (R2)."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from ._base import fit_member
from ._weight_boosting_base import _BaseWeightBoosting
from ._weight_boosting_r2 import AdaBoostRegressor

__all__ = ["AdaBoostClassifier", "AdaBoostRegressor"]


def samme_estimator_weight(error, n_classes, learning_rate):
    """Vote weight of a member with weighted error ``error`` (SAMME).

    ``learning_rate * (log((1 - error) / error) + log(n_classes - 1))``: it is
    positive exactly when the member beats chance (``error < 1 - 1/K``).
    """
    return learning_rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0))


class AdaBoostClassifier(ClassifierMixin, _BaseWeightBoosting):
    """AdaBoost classifier with the multi-class SAMME algorithm.

    Members are fitted one after another; each one sees the training samples
    reweighted so that those its predecessors got wrong count more.  The
    ensemble predicts the class with the largest weighted vote.

    Parameters
    ----------
    estimator : object, default=None
        Member template; must accept ``sample_weight`` in ``fit`` (skdeep
        networks do). ``None`` means a decision stump
        (``DecisionTreeClassifier(max_depth=1)``).
    n_estimators : int, default=50
        Maximum number of rounds (fewer if a member fits perfectly).
    learning_rate : float, default=1.0
        Multiplies every member's vote weight; smaller values need more rounds.
    random_state : int, RandomState instance or None, default=None
        Seeds each member's ``random_state``.

    Attributes
    ----------
    estimator_ : estimator
        The member template.
    estimators_ : list of classifiers
        Fitted members.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    estimator_weights_ : ndarray of shape (n_estimators,)
        Vote weight of each member (0 for rounds not run).
    estimator_errors_ : ndarray of shape (n_estimators,)
        Weighted training error of each member (1 for rounds not run).
    feature_importances_ : ndarray of shape (n_features,)
        Vote-weighted mean of the members' importances.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` has string column names.

    See Also
    --------
    AdaBoostRegressor : AdaBoost.R2 for regression.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdeep.ensemble import AdaBoostClassifier
    >>> X, y = make_classification(300, 5, random_state=0)
    >>> clf = AdaBoostClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> len(clf.estimators_), clf.score(X, y) > 0.9
    (20, True)
    """

    _keep_first_bad_member = False

    def __init__(
        self, estimator=None, *, n_estimators=50, learning_rate=1.0, random_state=None
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _validated_template(self):
        template = self.estimator
        if template is None:
            template = DecisionTreeClassifier(max_depth=1)
        if not has_fit_parameter(template, "sample_weight"):
            raise ValueError(
                f"{type(self.estimator).__name__} doesn't support sample_weight."
            )
        return template

    def _boost(self, iboost, member, X, y, sample_weight, rng, extra):
        """Fit one member; return (new weights, vote weight, error) or None."""
        fit_member(
            member,
            X,
            y,
            {"sample_weight": sample_weight},
            label=self._member_label(iboost, member),
        )
        if iboost == 0:
            classes = getattr(member, "classes_", None)
            extra["classes_"] = np.unique(y) if classes is None else classes
            extra["n_classes_"] = len(extra["classes_"])
        n_classes = extra["n_classes_"]
        incorrect = member.predict(X) != y
        error = np.mean(np.average(incorrect, weights=sample_weight, axis=0))
        if error <= 0:
            return sample_weight, 1.0, 0.0
        if error >= 1.0 - 1.0 / n_classes:
            return None
        weight = samme_estimator_weight(error, n_classes, self.learning_rate)
        if iboost < self.n_estimators - 1:
            # Multiply the weights of misclassified (non-zero) samples by exp(weight).
            with np.errstate(divide="ignore"):
                sample_weight = np.exp(
                    np.log(sample_weight) + weight * incorrect * (sample_weight > 0)
                )
        return sample_weight, weight, error

    def _votes(self, predictions, weight):
        """SAMME vote matrix of one member: ``w`` for its class, ``-w/(K-1)`` else."""
        agree = predictions[:, np.newaxis] == self.classes_[np.newaxis, :]
        return np.where(agree, weight, -weight / (self.n_classes_ - 1))

    def _fold_binary(self, scores):
        if self.n_classes_ == 2:
            return scores[:, 1] - scores[:, 0]
        return scores

    def decision_function(self, X):
        """Weighted SAMME votes, normalised by the total vote weight.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            1-D for two classes (positive values favour ``classes_[1]``).
        """
        predictions = self._member_predictions(X)
        if self.n_classes_ == 1:
            return np.zeros((predictions.shape[1], 1))
        scores = sum(
            self._votes(pred, w)
            for pred, w in zip(predictions, self.estimator_weights_)
        )
        return self._fold_binary(scores / self.estimator_weights_.sum())

    def staged_decision_function(self, X):
        """:meth:`decision_function` after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Yields
        ------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        predictions = self._member_predictions(X)
        scores, norm = 0.0, 0.0
        for pred, weight in zip(predictions, self.estimator_weights_):
            norm += weight
            scores = scores + self._votes(pred, weight)
            yield self._fold_binary(scores / norm)

    def _labels_from_decision(self, decision):
        if self.n_classes_ == 2:
            return self.classes_.take((decision > 0).astype(int), axis=0)
        return self.classes_.take(np.argmax(decision, axis=1), axis=0)

    def predict(self, X):
        """Class with the largest weighted vote.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        return self._labels_from_decision(self.decision_function(X))

    def staged_predict(self, X):
        """:meth:`predict` after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Yields
        ------
        y : ndarray of shape (n_samples,)
        """
        for decision in self.staged_decision_function(X):
            yield self._labels_from_decision(decision)

    def _proba_from_decision(self, decision):
        if self.n_classes_ == 2:
            decision = np.column_stack([-decision, decision]) / 2
        else:
            decision = decision / (self.n_classes_ - 1)
        return softmax(decision, axis=1)

    def predict_proba(self, X):
        """Class probabilities: softmax of the (scaled) decision function.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        if self.n_classes_ == 1:
            return np.ones((self._check_X(X).shape[0], 1))
        return self._proba_from_decision(self.decision_function(X))

    def staged_predict_proba(self, X):
        """:meth:`predict_proba` after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
        """
        for decision in self.staged_decision_function(X):
            yield self._proba_from_decision(decision)

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    def transform(self, X):
        """Member predictions as class indices, one column per member.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        indices : ndarray of shape (n_samples, n_members)
            ``classes_[indices[i, j]]`` is member ``j``'s prediction for row ``i``.
        """
        predictions = self._member_predictions(X)
        return np.searchsorted(self.classes_, predictions).T

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # transform gives class indices
        return tags
