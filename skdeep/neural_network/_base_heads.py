"""Classifier and regressor heads of the network estimators.

A head decides how targets are encoded, which loss (and output link) is
minimised, how the validation score is computed and how raw network outputs
become predictions. It is mixed in before :class:`BaseNeuralEstimator`.
"""

from __future__ import annotations

import functools

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted

from ..nn import get_loss

__all__ = ["NeuralClassifierMixin", "NeuralRegressorMixin"]


def _accuracy_from_raw(Y, raw, sample_weight, *, multiclass):
    """``accuracy_score`` of the coded targets ``Y`` and raw outputs.

    The (weighted) mean of the rows predicted right, as ``accuracy_score``
    computes it, without its input validation: 460 us a call on 300 rows,
    paid after every epoch of an early-stopped fit (a sixth of the time of
    a small one).
    """
    if not np.all(np.isfinite(raw)):
        return np.nan
    if multiclass:
        correct = Y.argmax(axis=1) == raw.argmax(axis=1)
    else:  # binary (one column) or multilabel: subset accuracy, as sklearn
        correct = ((Y > 0.5) == (raw > 0)).all(axis=1)
    return float(np.average(correct, weights=sample_weight))


def _r2_from_raw(Y, raw, sample_weight, *, link):
    """``r2_score`` of the targets ``Y`` (2-D) and the predictions of ``raw``.

    Computed as ``r2_score`` computes it (outputs averaged uniformly; an
    output with constant targets scores 1 if predicted exactly, else 0; nan
    below two samples), without its input validation: 310 us a call, paid
    after every epoch of an early-stopped fit.
    """
    prediction = link(raw)
    if not np.all(np.isfinite(prediction)):
        return np.nan
    if Y.shape[0] < 2:
        return float(r2_score(Y, prediction, sample_weight=sample_weight))
    weight = 1.0 if sample_weight is None else sample_weight[:, None]
    residual = np.sum(weight * (Y - prediction) ** 2, axis=0)
    mean = np.average(Y, axis=0, weights=sample_weight)
    total = np.sum(weight * (Y - mean) ** 2, axis=0)
    scores = np.ones(Y.shape[1])
    valid = (total != 0) & (residual != 0)
    scores[valid] = 1 - residual[valid] / total[valid]
    scores[(residual != 0) & (total == 0)] = 0.0
    return float(np.mean(scores))


def _class_weight_per_sample(class_weight, y, sample_weight):
    """Weight of each sample's class; "balanced" counts weighted samples.

    ``"balanced"`` gives class ``c`` the weight ``W / (n_classes * W_c)`` with
    ``W_c`` the total sample weight of class ``c``, so that weighting a sample
    by ``k`` stays equivalent to repeating it ``k`` times.
    """
    labels, inverse = np.unique(y, return_inverse=True)
    if isinstance(class_weight, str):
        weights = None if sample_weight is None else sample_weight
        totals = np.bincount(inverse, weights=weights, minlength=len(labels))
        per_class = np.divide(
            totals.sum(),
            len(labels) * totals,
            out=np.zeros(len(labels)),
            where=totals > 0,
        )
    else:
        per_class = np.array([float(class_weight.get(c, 1.0)) for c in labels])
    return per_class[inverse]


def _binarized(binarizer, y, dtype):
    """``binarizer.transform(y)`` as ``dtype``, for labels already checked.

    Single-label targets are coded directly: one column ``y == classes[1]``
    for two classes, else one-hot columns by the position of each label in
    the sorted ``classes_``.  scikit-learn's ``transform`` validates the
    targets again on every call (several ``check_array`` and
    ``type_of_target`` passes), which made up about half of a
    ``partial_fit`` on 20 rows.  Callers have checked every label of ``y``
    against the classes; multilabel targets and a single class keep
    ``transform``.
    """
    classes = binarizer.classes_
    single_label = y.ndim == 1 and binarizer.y_type_ in ("binary", "multiclass")
    if not single_label or len(classes) < 2:
        return binarizer.transform(y).astype(dtype)
    if len(classes) == 2:
        return (y == classes[1]).astype(dtype).reshape(-1, 1)
    codes = np.searchsorted(classes, y)
    return (codes[:, None] == np.arange(len(classes))).astype(dtype)


def _as_1d_if_column(y):
    if y.ndim == 2 and y.shape[1] == 1:
        return column_or_1d(y, warn=True)
    return y


class NeuralClassifierMixin(ClassifierMixin):
    """Label binarisation, log-loss and probability outputs (sklearn's MLP way).

    Binary and multilabel targets get one sigmoid output per label and the
    binary cross-entropy; multiclass targets get a softmax over the classes and
    the categorical cross-entropy.
    """

    _y_numeric = False

    # ------------------------------------------------------------ targets
    def _encode_targets(self, y, dtype, *, continuing, incremental, classes):
        y = _as_1d_if_column(y)
        if incremental:
            binarizer = self._partial_fit_binarizer(y, classes)
        elif continuing:
            binarizer = self._label_binarizer
            seen = unique_labels(y)
            if set(seen) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as "
                    f"in the previous call to fit. Previously got {self.classes_}, "
                    f"`y` has {seen}"
                )
        else:
            # A single class is accepted, as sklearn does: it is then always
            # predicted.
            binarizer = LabelBinarizer().fit(y)
        Y = _binarized(binarizer, y, dtype)
        return Y, {"_label_binarizer": binarizer, "classes_": binarizer.classes_}

    def _partial_fit_binarizer(self, y, classes):
        existing = getattr(self, "classes_", None)
        if existing is None:
            if classes is None and not _is_multilabel(y):
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            binarizer = LabelBinarizer().fit(y if _is_multilabel(y) else classes)
        else:
            if classes is not None and not np.array_equal(
                existing, unique_labels(classes)
            ):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on last call to "
                    f"partial_fit, was: {existing!r}"
                )
            binarizer = self._label_binarizer
        unseen = np.setdiff1d(unique_labels(y), binarizer.classes_)
        if len(unseen):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{binarizer.classes_}. 'y' has {unique_labels(y)}."
            )
        return binarizer

    def _combined_sample_weight(self, sample_weight, X, y, head_state, incremental):
        sample_weight = super()._combined_sample_weight(
            sample_weight, X, y, head_state, incremental
        )
        class_weight = getattr(self, "class_weight", None)
        if class_weight is None:
            return sample_weight
        y = _as_1d_if_column(y)
        columns = y.T if y.ndim == 2 else [y]
        if y.ndim == 2 and isinstance(class_weight, dict):
            raise ValueError(
                "A class_weight dict is not supported for multilabel targets; use "
                "class_weight='balanced' or sample_weight."
            )
        per_sample = np.ones(X.shape[0], dtype=X.dtype)
        for column in columns:  # one factor per output, as sklearn multi-output
            per_sample *= _class_weight_per_sample(class_weight, column, sample_weight)
        return per_sample if sample_weight is None else sample_weight * per_sample

    def _stratification(self, Y):
        # As sklearn: stratify single-output (binary) targets only.
        return Y.astype(bool) if Y.shape[1] == 1 else None

    # --------------------------------------------------------------- loss
    @staticmethod
    def _is_multiclass(head_state):
        return head_state["_label_binarizer"].y_type_ == "multiclass"

    def _make_loss(self, n_outputs, head_state):
        # The reported loss clips probabilities as scikit-learn's does.
        if self._is_multiclass(head_state):
            return get_loss("categorical_crossentropy", clip_proba=True)
        return get_loss("binary_crossentropy", clip_proba=True)

    def _out_activation_name(self, head_state):
        return "softmax" if self._is_multiclass(head_state) else "logistic"

    def _make_validation_scorer(self, head_state):
        return functools.partial(
            _accuracy_from_raw, multiclass=self._is_multiclass(head_state)
        )

    # ---------------------------------------------------------- prediction
    def _output_probabilities(self, X):
        """Link outputs (n_samples, n_outputs), MC-averaged when ``mc_samples``."""
        check_is_fitted(self)
        X = self._validate_predict_data(X)
        mc_samples = getattr(self, "mc_samples", None)
        if mc_samples:
            return self._loss.link(self._mc_forward(X, mc_samples)).mean(axis=0)
        return self._loss.link(self._forward(X))

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Labels; an indicator matrix for multilabel targets.
        """
        proba = self._output_probabilities(X)
        if self.n_outputs_ == 1:
            proba = proba.ravel()
        return self._label_binarizer.inverse_transform(proba)

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns ordered as :attr:`classes_`. With ``mc_samples`` set, the
            average over that many Monte-Carlo dropout passes.
        """
        proba = self._output_probabilities(X)
        if proba.shape[1] == 1:
            return np.hstack([1 - proba, proba])
        return proba

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _is_multilabel(y):
    return getattr(y, "ndim", 1) == 2 and y.shape[1] > 1


class NeuralRegressorMixin(RegressorMixin):
    """Real-valued (optionally multi-output) targets and regression losses."""

    _y_numeric = True

    def _encode_targets(self, y, dtype, *, continuing, incremental, classes):
        y = _as_1d_if_column(y)
        if getattr(self, "loss", None) == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative targets y >= 0.")
        Y = np.asarray(y, dtype=dtype)
        return (Y.reshape(-1, 1) if Y.ndim == 1 else Y), {}

    def _stratification(self, Y):
        return None

    def _make_loss(self, n_outputs, head_state):
        name = getattr(self, "loss", "squared_error")
        if name == "huber":
            return get_loss("huber", delta=self.huber_delta)
        if name == "squared_error":
            # scikit-learn's pairing: the loss averages over outputs, its
            # gradient sums over them (see SquaredError).
            return get_loss(name, output_gradient="sum")
        return get_loss(name)

    def _out_activation_name(self, head_state):
        return "exp" if getattr(self, "loss", None) == "poisson" else "identity"

    def _make_validation_scorer(self, head_state):
        return functools.partial(_r2_from_raw, link=self._make_loss(1, head_state).link)

    def predict(self, X, return_std=False):
        """Predict targets, optionally with Monte-Carlo dropout uncertainty.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return the standard deviation of ``mc_samples`` (100 when
            unset) predictions with dropout kept on (MC dropout). Zero when the
            network has no dropout.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        y_std : ndarray, same shape as ``y``
            Only when ``return_std=True``.
        """
        check_is_fitted(self)
        X = self._validate_predict_data(X)
        mc_samples = getattr(self, "mc_samples", None)
        if return_std or mc_samples:
            draws = self._loss.link(self._mc_forward(X, mc_samples or 100))
            mean, std = draws.mean(axis=0), draws.std(axis=0)
        else:
            mean = std = self._loss.link(self._forward(X))
        if mean.shape[1] == 1:
            mean, std = mean.ravel(), std.ravel()
        return (mean, std) if return_std else mean
