"""Loss functions of gradient boosting: values, negative gradients, leaf updates.

Every loss works on raw predictions of shape (n_samples, n_trees) (one column
except for multiclass log-loss) and knows how to

* turn the init estimator's output into raw predictions (``raw_from_init``),
* give the negative gradient the next trees are fitted to,
* re-estimate the leaf values of a freshly grown tree (``leaf_values``):
  a Newton step for the classification losses, the weighted median / quantile
  of the residuals for absolute and quantile losses, Friedman's one-step
  M-estimate for Huber — all grouped per leaf with sorting and bincounts.

``__call__`` returns the weighted mean loss on the scale scikit-learn reports
in ``train_score_`` (mean squared error, binomial deviance, ...).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, softmax
from sklearn.dummy import DummyClassifier, DummyRegressor

from ..nn.functional import log_softmax

__all__ = ["LOSSES", "grouped_weighted_percentile", "weighted_percentile"]

_TINY = 1e-150


def grouped_weighted_percentile(values, weights, groups, n_groups, quantile):
    """Weighted ``quantile`` (inverted CDF) of ``values`` within each group.

    Parameters
    ----------
    values, weights : ndarray of shape (n,)
    groups : ndarray of int of shape (n,)
        Group of each value, in ``[0, n_groups)``.
    n_groups : int
    quantile : float in [0, 1]

    Returns
    -------
    percentiles : ndarray of shape (n_groups,)
        The smallest value whose cumulative weight within its group reaches
        ``quantile`` times the group's total weight; NaN for empty groups.
    """
    order = np.lexsort((values, groups))
    values, weights = values[order], weights[order]
    counts = np.bincount(groups, minlength=n_groups)
    totals = np.bincount(groups, weights=weights, minlength=n_groups)
    ends = np.cumsum(counts)
    starts = ends - counts
    cumulative = np.cumsum(weights)
    offsets = np.concatenate(([0.0], cumulative))[starts]
    targets = offsets + quantile * totals
    # A zero target would pick leading zero-weight values.
    targets = np.where(quantile * totals == 0, np.nextafter(targets, np.inf), targets)
    index = np.searchsorted(cumulative, targets, side="left")
    index = np.clip(index, starts, np.maximum(ends - 1, starts))
    result = values[np.minimum(index, values.size - 1)] if values.size else index * 0.0
    return np.where(counts > 0, result, np.nan)


def weighted_percentile(values, weights, quantile):
    """Weighted ``quantile`` (inverted CDF) of a 1-d array, as a float."""
    groups = np.zeros(values.shape[0], dtype=np.intp)
    return float(grouped_weighted_percentile(values, weights, groups, 1, quantile)[0])


def _newton_leaves(leaf, n_nodes, numerator, denominator, weights, scale=1.0):
    """Per-leaf ``scale * sum(w * num) / sum(w * den)``, zero when den ~ 0."""
    num = np.bincount(leaf, weights=weights * numerator, minlength=n_nodes)
    den = np.bincount(leaf, weights=weights * denominator, minlength=n_nodes)
    safe = np.abs(den) >= _TINY
    return scale * np.divide(num, den, out=np.zeros(n_nodes), where=safe)


class _Loss:
    """Base: one tree per stage, identity link, no leaf update."""

    is_classification = False
    factor = 1.0  # scale of ``train_score_`` relative to the mean loss

    def __init__(self, n_classes=1, alpha=0.9):
        self.n_classes = n_classes
        self.alpha = alpha

    n_trees = 1

    def default_init(self):
        return DummyRegressor(strategy="mean")

    def raw_from_init(self, estimator, X):
        return np.asarray(estimator.predict(X), dtype=np.float64).reshape(-1, 1)

    def prepare_stage(self, y, raw, weights):
        """Hook called before each stage (Huber re-estimates its threshold)."""

    def pointwise(self, y, raw):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, y, raw, weights=None):
        """Weighted mean loss; ``raw`` of shape (n,) or (n, n_trees)."""
        raw = np.asarray(raw, dtype=np.float64)
        raw = raw.reshape(raw.shape[0], -1)
        return float(np.average(self.pointwise(np.asarray(y), raw), weights=weights))

    def reported(self, y, raw, weights=None):
        """The loss as stored in ``train_score_`` / ``oob_scores_``."""
        return self.factor * self(y, raw, weights)

    def leaf_values(self, leaf, n_nodes, y, raw, neg_grad, weights, k):
        """New leaf values, or ``None`` to keep the tree's least-squares values."""
        return None


class SquaredError(_Loss):
    factor = 2.0  # mean squared error from half the squared error

    def pointwise(self, y, raw):
        return 0.5 * (y - raw[:, 0]) ** 2

    def neg_gradient(self, y, raw):
        return (y - raw[:, 0])[:, None]


class AbsoluteError(_Loss):
    def default_init(self):
        return DummyRegressor(strategy="quantile", quantile=0.5)

    def pointwise(self, y, raw):
        return np.abs(y - raw[:, 0])

    def neg_gradient(self, y, raw):
        return np.where(y >= raw[:, 0], 1.0, -1.0)[:, None]

    def _leaf_quantile(self):
        return 0.5

    def leaf_values(self, leaf, n_nodes, y, raw, neg_grad, weights, k):
        residual = y - raw[:, k]
        values = grouped_weighted_percentile(
            residual, weights, leaf, n_nodes, self._leaf_quantile()
        )
        return np.nan_to_num(values)


class QuantileLoss(AbsoluteError):
    def default_init(self):
        return DummyRegressor(strategy="quantile", quantile=self.alpha)

    def pointwise(self, y, raw):
        diff = y - raw[:, 0]
        return np.where(diff >= 0, self.alpha * diff, (self.alpha - 1.0) * diff)

    def neg_gradient(self, y, raw):
        return np.where(y >= raw[:, 0], self.alpha, self.alpha - 1.0)[:, None]

    def _leaf_quantile(self):
        return self.alpha


class HuberLoss(AbsoluteError):
    """Huber loss whose threshold ``delta`` is the ``alpha``-quantile of |residual|."""

    delta = 1.0

    @property
    def closs(self):
        # scikit-learn keeps ``delta`` on ``_loss.closs``; same access here.
        return self

    def prepare_stage(self, y, raw, weights):
        self.delta = weighted_percentile(np.abs(y - raw[:, 0]), weights, self.alpha)

    def pointwise(self, y, raw):
        abs_err = np.abs(y - raw[:, 0])
        quadratic = 0.5 * abs_err**2
        linear = self.delta * (abs_err - 0.5 * self.delta)
        return np.where(abs_err <= self.delta, quadratic, linear)

    def neg_gradient(self, y, raw):
        diff = y - raw[:, 0]
        return np.clip(diff, -self.delta, self.delta)[:, None]

    def leaf_values(self, leaf, n_nodes, y, raw, neg_grad, weights, k):
        # Friedman's Algorithm 4: median of the residuals plus the mean of the
        # clipped deviations from it.
        residual = y - raw[:, k]
        median = grouped_weighted_percentile(residual, weights, leaf, n_nodes, 0.5)
        deviation = residual - median[leaf]
        clipped = np.sign(deviation) * np.minimum(self.delta, np.abs(deviation))
        shift = _newton_leaves(leaf, n_nodes, clipped, np.ones_like(clipped), weights)
        return np.nan_to_num(median + shift)


class _ClassificationLoss(_Loss):
    is_classification = True

    def default_init(self):
        return DummyClassifier(strategy="prior")

    def _init_proba(self, estimator, X):
        eps = np.finfo(np.float64).eps
        proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
        return np.clip(proba, eps, 1 - eps)


class BinomialLoss(_ClassificationLoss):
    factor = 2.0  # binomial deviance from the half deviance

    def raw_from_init(self, estimator, X):
        p = self._init_proba(estimator, X)[:, 1]
        return (np.log(p) - np.log1p(-p))[:, None]

    def pointwise(self, y, raw):
        raw = raw[:, 0]
        # log(1 + e^raw) as max(raw, 0) + log1p(exp(-|raw|)): the stable form
        # np.logaddexp(0, raw) uses, on vectorised ufuncs (4x faster; equal
        # to it within an ulp).
        out = np.abs(raw)
        np.negative(out, out=out)
        np.exp(out, out=out)
        np.log1p(out, out=out)
        out += np.maximum(raw, 0.0)
        out -= y * raw
        return out

    def neg_gradient(self, y, raw):
        return (y - expit(raw[:, 0]))[:, None]

    def predict_proba(self, raw):
        p = expit(raw[:, 0])
        return np.column_stack((1.0 - p, p))

    def leaf_values(self, leaf, n_nodes, y, raw, neg_grad, weights, k):
        prob = y - neg_grad
        return _newton_leaves(leaf, n_nodes, neg_grad, prob * (1 - prob), weights)


class ExponentialLoss(BinomialLoss):
    factor = 1.0

    def raw_from_init(self, estimator, X):
        return 0.5 * super().raw_from_init(estimator, X)

    def pointwise(self, y, raw):
        raw = raw[:, 0]
        return y * np.exp(-raw) + (1 - y) * np.exp(raw)

    def neg_gradient(self, y, raw):
        raw = raw[:, 0]
        return (y * np.exp(-raw) - (1 - y) * np.exp(raw))[:, None]

    def predict_proba(self, raw):
        return super().predict_proba(2.0 * raw)

    def leaf_values(self, leaf, n_nodes, y, raw, neg_grad, weights, k):
        hessian = np.where(y == 0, -neg_grad, neg_grad)
        return _newton_leaves(leaf, n_nodes, neg_grad, hessian, weights)


class MultinomialLoss(_ClassificationLoss):
    @property
    def n_trees(self):
        return self.n_classes

    def raw_from_init(self, estimator, X):
        log_p = np.log(self._init_proba(estimator, X))
        return log_p - log_p.mean(axis=1, keepdims=True)

    def pointwise(self, y, raw):
        # skdeep's log_softmax: scipy's logsumexp costs 0.1-0.3 ms a call in
        # argument handling, as much as a small tree.
        log_proba = log_softmax(raw, axis=1)
        return -np.take_along_axis(log_proba, y.astype(np.intp)[:, None], axis=1)[:, 0]

    def neg_gradient(self, y, raw):
        one_hot = y.astype(np.intp)[:, None] == np.arange(self.n_classes)
        return one_hot - softmax(raw, axis=1)

    def predict_proba(self, raw):
        return softmax(raw, axis=1)

    def leaf_values(self, leaf, n_nodes, y, raw, neg_grad, weights, k):
        # The (K - 1) / K factor of Friedman's paper, kept for parity.
        prob = (y == k) - neg_grad
        scale = (self.n_classes - 1) / self.n_classes
        return _newton_leaves(
            leaf, n_nodes, neg_grad, prob * (1 - prob), weights, scale=scale
        )


LOSSES = {
    "squared_error": SquaredError,
    "absolute_error": AbsoluteError,
    "huber": HuberLoss,
    "quantile": QuantileLoss,
    "exponential": ExponentialLoss,
}


def make_loss(name, n_classes=1, alpha=0.9):
    """Loss object for the estimator's ``loss`` name."""
    if name == "exponential" and n_classes > 2:
        raise ValueError(
            f"loss='exponential' is only suitable for a binary classification "
            f"problem, you have n_classes={n_classes}. Please use loss='log_loss' "
            "instead."
        )
    if name == "log_loss":
        return BinomialLoss(2) if n_classes <= 2 else MultinomialLoss(n_classes)
    return LOSSES[name](n_classes=n_classes, alpha=alpha)
