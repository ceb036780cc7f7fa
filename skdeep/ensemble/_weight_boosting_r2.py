"""AdaBoost.R2 regression: :class:`AdaBoostRegressor`."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.tree import DecisionTreeRegressor

from ..utils._indexing import take_rows
from ..utils._param_validation import StrOptions
from ._base import fit_member
from ._weight_boosting_base import _BaseWeightBoosting

__all__ = ["AdaBoostRegressor"]


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
            member,
            take_rows(X, rows),
            y[rows],
            {},
            label=self._member_label(iboost, member),
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
