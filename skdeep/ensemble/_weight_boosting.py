"""AdaBoost: :class:`AdaBoostClassifier` (SAMME) and :class:`AdaBoostRegressor` (R2)."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from ..utils._param_validation import StrOptions
from ._base import fit_member
from ._weight_boosting_base import _BaseWeightBoosting

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


class AdaBoostRegressor(RegressorMixin, _BaseWeightBoosting):
    """AdaBoost.R2 regressor (Drucker, 1997).

    Each round fits a member on a weighted bootstrap sample, measures its
    per-sample loss (normalised to [0, 1]), and shrinks the weights of the
    samples it predicts well.  The ensemble predicts the weighted median of
    the members' predictions.

    Parameters
    ----------
    estimator : object, default=None
        Member template (any regressor). ``None`` means
        ``DecisionTreeRegressor(max_depth=3)``.
    n_estimators : int, default=50
        Maximum number of rounds.
    learning_rate : float, default=1.0
        Shrinks each member's vote weight and weight update.
    loss : {"linear", "square", "exponential"}, default="linear"
        Per-sample loss applied to the normalised absolute error.
    random_state : int, RandomState instance or None, default=None
        Seeds the bootstrap draws and each member's ``random_state``.

    Attributes
    ----------
    estimator_ : estimator
        The member template.
    estimators_ : list of regressors
        Fitted members.
    estimator_weights_ : ndarray of shape (n_estimators,)
        Vote weight of each member.
    estimator_errors_ : ndarray of shape (n_estimators,)
        Weighted average loss of each member.
    feature_importances_ : ndarray of shape (n_features,)
        Vote-weighted mean of the members' importances.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` has string column names.

    See Also
    --------
    AdaBoostClassifier : SAMME for classification.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skdeep.ensemble import AdaBoostRegressor
    >>> X, y = make_regression(200, 4, random_state=0)
    >>> reg = AdaBoostRegressor(n_estimators=20, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _keep_first_bad_member = True

    _parameter_constraints: dict = {
        **_BaseWeightBoosting._parameter_constraints,
        "loss": [StrOptions({"linear", "square", "exponential"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        loss="linear",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.loss = loss
        self.random_state = random_state

    def _validated_template(self):
        if self.estimator is None:
            return DecisionTreeRegressor(max_depth=3)
        return self.estimator

    def _normalised_loss(self, error):
        error_max = error.max()
        if error_max != 0:
            error = error / error_max
        if self.loss == "square":
            return error**2
        if self.loss == "exponential":
            return 1.0 - np.exp(-error)
        return error

    def _boost(self, iboost, member, X, y, sample_weight, rng, extra):
        """Fit one member on a weighted bootstrap; return the round's outcome."""
        n_samples = X.shape[0]
        rows = rng.choice(
            np.arange(n_samples), size=n_samples, replace=True, p=sample_weight
        )
        fit_member(
            member, X[rows], y[rows], {}, label=self._member_label(iboost, member)
        )
        active = sample_weight > 0
        loss = self._normalised_loss(np.abs(member.predict(X) - y)[active])
        error = (sample_weight[active] * loss).sum()
        if error <= 0:
            return sample_weight, 1.0, 0.0
        if error >= 0.5:
            return None
        beta = error / (1.0 - error)
        weight = self.learning_rate * np.log(1.0 / beta)
        if iboost < self.n_estimators - 1:
            sample_weight = sample_weight.copy()
            sample_weight[active] *= np.power(beta, (1.0 - loss) * self.learning_rate)
        return sample_weight, weight, error

    def _weighted_median(self, predictions):
        """Per-sample weighted median over members; predictions (n_members, n)."""
        n_members, n_samples = predictions.shape
        order = np.argsort(predictions, axis=0)
        cumulative = np.cumsum(self.estimator_weights_[order], axis=0)
        at_or_above_half = cumulative >= 0.5 * cumulative[-1][np.newaxis, :]
        median_rank = at_or_above_half.argmax(axis=0)
        columns = np.arange(n_samples)
        return predictions[order[median_rank, columns], columns]

    def predict(self, X):
        """Weighted median of the members' predictions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        return self._weighted_median(self._member_predictions(X))

    def staged_predict(self, X):
        """:meth:`predict` after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Yields
        ------
        y : ndarray of shape (n_samples,)
        """
        predictions = self._member_predictions(X)
        for stage in range(1, len(predictions) + 1):
            yield self._weighted_median(predictions[:stage])

    def transform(self, X):
        """Member predictions, one column per member.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        predictions : ndarray of shape (n_samples, n_members)
        """
        return self._member_predictions(X).T
