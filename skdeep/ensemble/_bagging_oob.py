"""Out-of-bag evaluation of bagging ensembles.

Every member is scored on the training rows its draw left out; each row's
out-of-bag prediction aggregates only those members.  Besides scikit-learn's
accuracy / R², any scorer can be applied: it receives a stand-in estimator
that answers with the stored out-of-bag outputs.
"""

from __future__ import annotations

from warnings import warn

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, get_scorer, r2_score

from ._bagging_members import member_votes

_NO_OOB_WARNING = (
    "Some inputs do not have OOB scores. This probably means too few "
    "estimators were used to compute any reliable oob estimates."
)


class _OOBClassifierView(ClassifierMixin, BaseEstimator):
    """Stands in for the ensemble so a scorer can read the OOB outputs."""

    def __init__(self, proba=None, classes=None):
        self.proba = proba
        self.classes = classes

    def fit(self, X, y):  # pragma: no cover - never fitted, only scored
        return self

    @property
    def classes_(self):
        return self.classes

    def predict_proba(self, X):
        return self.proba

    def predict(self, X):
        return self.classes[np.argmax(self.proba, axis=1)]


class _OOBRegressorView(RegressorMixin, BaseEstimator):
    """Stands in for the ensemble so a scorer can read the OOB predictions."""

    def __init__(self, prediction=None):
        self.prediction = prediction

    def fit(self, X, y):  # pragma: no cover - never fitted, only scored
        return self

    def predict(self, X):
        return self.prediction


def uses_scorer(oob_score):
    return isinstance(oob_score, str) or (
        callable(oob_score) and not isinstance(oob_score, (bool, np.bool_))
    )


def _scorer_value(ensemble, view, X, y, covered):
    """Apply the user's scorer to the covered rows' out-of-bag outputs."""
    scorer = ensemble.oob_score
    if isinstance(scorer, str):
        scorer = get_scorer(scorer)
    return float(scorer(view, X[covered], y[covered]))


def _member_masks(ensemble):
    return zip(
        ensemble.estimators_, ensemble.estimators_features_, ensemble._oob_masks()
    )


def classification_oob(ensemble, X, y):
    """Out-of-bag class probabilities and score of a fitted bagging classifier.

    Parameters
    ----------
    ensemble : BaggingClassifier
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Encoded labels (``0..n_classes-1``).

    Returns
    -------
    decision : ndarray of shape (n_samples, n_classes)
        NaN rows had no out-of-bag member.
    score : float
    """
    n_classes = ensemble.n_classes_
    votes = np.zeros((X.shape[0], n_classes))
    for member, cols, mask in _member_masks(ensemble):
        votes[mask] += member_votes(member, X[mask][:, cols], n_classes, {})
    totals = votes.sum(axis=1)
    covered = totals > 0
    if not covered.all():
        warn(_NO_OOB_WARNING, stacklevel=4)
    with np.errstate(invalid="ignore", divide="ignore"):
        decision = votes / totals[:, np.newaxis]
    if uses_scorer(ensemble.oob_score):
        view = _OOBClassifierView(decision[covered], ensemble.classes_)
        labels = ensemble.classes_[y]
        return decision, _scorer_value(ensemble, view, X, labels, covered)
    return decision, accuracy_score(y, np.argmax(votes, axis=1))


def regression_oob(ensemble, X, y):
    """Out-of-bag predictions and score of a fitted bagging regressor.

    Returns
    -------
    prediction : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Rows with no out-of-bag member are 0.
    score : float
    """
    prediction = np.zeros(y.shape)
    counts = np.zeros(X.shape[0])
    for member, cols, mask in _member_masks(ensemble):
        output = member.predict(X[mask][:, cols])
        prediction[mask] += np.reshape(output, prediction[mask].shape)
        counts[mask] += 1
    covered = counts > 0
    if not covered.all():
        warn(_NO_OOB_WARNING, stacklevel=4)
    counts[~covered] = 1
    prediction /= counts.reshape((-1,) + (1,) * (y.ndim - 1))
    if uses_scorer(ensemble.oob_score):
        view = _OOBRegressorView(prediction[covered])
        return prediction, _scorer_value(ensemble, view, X, y, covered)
    return prediction, r2_score(y, prediction)
