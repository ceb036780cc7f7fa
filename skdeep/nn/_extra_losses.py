"""Robust, margin, divergence and count losses (see :mod:`skdeep.nn.losses`)."""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from .losses import CategoricalCrossEntropy, Loss, PerceptronLoss

__all__ = ["AbsoluteError", "Huber", "Hinge", "KLDivergence", "Poisson"]


class AbsoluteError(Loss):
    """Mean absolute error over outputs: ``l_i = mean_k |y - raw|``. Link: identity.

    Robust to outliers: each residual pulls with the same force (its sign).
    Its subgradient at a zero residual is taken as 0.

    Examples
    --------
    >>> import numpy as np
    >>> AbsoluteError().value(np.array([[1.0], [0.0]]), np.array([[3.0], [0.0]]))
    1.0
    """

    def _per_sample(self, y, raw):
        return np.abs(raw - y).mean(axis=1)

    def _unscaled_gradient(self, y, raw):
        grad = np.sign(raw - y)
        if raw.shape[1] > 1:
            grad /= raw.shape[1]
        return grad


class Huber(Loss):
    """Huber loss, averaged over outputs. Link: identity.

    Quadratic ``0.5 r^2`` for residuals ``|r| <= delta``, linear
    ``delta (|r| - delta / 2)`` beyond: squared-error efficiency near the fit,
    absolute-error robustness for outliers.

    Parameters
    ----------
    delta : float, default=1.0
        Residual size where the quadratic turns linear.

    Examples
    --------
    >>> import numpy as np
    >>> Huber(delta=1.0).value(np.array([[0.0]]), np.array([[3.0]]))
    2.5
    """

    def __init__(self, delta=1.0):
        if not delta > 0:
            raise ValueError(f"Huber delta must be positive, got {delta}.")
        self.delta = delta

    def _per_sample(self, y, raw):
        r = np.abs(raw - y)
        quadratic = np.minimum(r, self.delta)
        # 0.5 q^2 + delta (r - q) equals both branches of the piecewise form.
        per_element = 0.5 * quadratic * quadratic + self.delta * (r - quadratic)
        return per_element.mean(axis=1)

    def _unscaled_gradient(self, y, raw):
        grad = np.clip(raw - y, -self.delta, self.delta)
        if raw.shape[1] > 1:
            grad /= raw.shape[1]
        return grad


class Hinge(PerceptronLoss):
    """Hinge loss ``l_i = sum_k max(0, 1 - y_ik raw_ik)``, ``y`` in {-1, +1}.

    The linear SVM's loss: samples inside the margin keep being pushed out.
    Link: identity.

    Examples
    --------
    >>> import numpy as np
    >>> Hinge().value(np.array([[1.0]]), np.array([[0.5]]))
    0.5
    """

    margin = 1.0


class KLDivergence(CategoricalCrossEntropy):
    """Kullback-Leibler divergence ``KL(y || softmax(raw))`` per sample.

    ``y`` holds target distributions of shape ``(n_samples, n_classes)``
    (rows summing to one); ``l_i = sum_k y_ik log(y_ik / p_ik)``. It differs
    from the categorical cross-entropy by the targets' entropy, a constant,
    so the gradient is the same ``softmax(raw) - y``. Link: softmax.

    Parameters
    ----------
    clip_proba : bool, default=False
        Clip the cross-entropy part of the value as
        :class:`CategoricalCrossEntropy` does (the gradient is unchanged).

    Examples
    --------
    >>> import numpy as np
    >>> KLDivergence().value(np.array([[0.5, 0.5]]), np.array([[1.0, 1.0]]))
    0.0
    """

    def _check_y(self, y, raw):
        y = np.asarray(y)
        if y.ndim != 2:
            raise ValueError("KLDivergence needs target distributions (n, k).")
        return Loss._check_y(self, y, raw)

    def _stats(self, y, raw):
        proba, cross_entropy = super()._stats(y, raw)
        return proba, cross_entropy + xlogy(y, y).sum(axis=1)

    def _total(self, y, raw):
        proba, cross_entropy = super()._total(y, raw)
        return proba, cross_entropy + float(xlogy(y, y).sum())


class Poisson(Loss):
    """Half Poisson deviance with a log link (scikit-learn's ``loss="poisson"``).

    ``raw`` is the log of the predicted mean ``mu = exp(raw)``;
    ``l_i = sum_k y log(y / mu) - y + mu``; ``y >= 0``. Link: exp.

    Examples
    --------
    >>> import numpy as np
    >>> Poisson().value(np.array([[1.0]]), np.array([[0.0]]))
    0.0
    """

    def link(self, raw):
        return np.exp(raw)

    def _per_sample(self, y, raw):
        per_element = xlogy(y, y) - y * raw - y + np.exp(raw)
        return per_element.sum(axis=1)

    def _unscaled_gradient(self, y, raw):
        grad = np.exp(raw)
        grad -= y
        return grad


REGISTRY = {
    "absolute_error": AbsoluteError,
    "huber": Huber,
    "hinge": Hinge,
    "kl_divergence": KLDivergence,
    "poisson": Poisson,
}
