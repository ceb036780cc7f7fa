"""Losses on raw (pre-link) network outputs; each loss owns its link.

A classifier's last layer is linear; the loss applies the sigmoid or softmax
itself. That lets the gradient with respect to the raw output use the fused,
numerically stable form ``link(raw) - y`` instead of chaining a saturating
derivative, and lets the value use ``logaddexp``/``log_softmax`` instead of
the log of a rounded probability.

Convention (as scikit-learn's MLP): ``value = sum_i w_i l_i / sum_i w_i`` (a
plain mean without weights); ``gradient`` is ``d value / d raw`` and so
already contains the ``1 / sum(w)`` factor.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from . import _clipped_log_loss as clipping
from ._softmax import _constant_vector, _shifted, softmax

__all__ = [
    "Loss",
    "SquaredError",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "PerceptronLoss",
    "get_loss",
]


def _row_scale(sample_weight, n_samples, dtype):
    """Per-row factor ``w_i / sum(w)`` (column vector) or scalar ``1/n``.

    A batch whose weights sum to zero carries no information: every factor is
    zero rather than NaN.
    """
    if sample_weight is None:
        return dtype.type(1.0 / max(n_samples, 1))
    sample_weight = np.asarray(sample_weight)
    total = float(sample_weight.sum())
    if total == 0.0:
        return np.zeros((n_samples, 1), dtype=dtype)
    return (sample_weight / total).astype(dtype, copy=False).reshape(-1, 1)


def _weighted_sum(per_sample, scale):
    """``sum_i scale_i * per_sample_i`` as a Python float."""
    if np.ndim(scale) == 0:
        return float(per_sample.sum() * scale)
    return float(per_sample @ scale.ravel())


class Loss:
    """Base class: a loss on raw outputs with its own link.

    Subclasses implement ``link``, ``_per_sample(y, raw)`` (the unweighted
    loss of each row, shape ``(n_samples,)``) and
    ``_unscaled_gradient(y, raw)`` (the gradient of each row's loss).

    Examples
    --------
    A quartic loss, ``l_i = sum_k (raw - y)^4``:

    >>> import numpy as np
    >>> class Quartic(Loss):
    ...     def _per_sample(self, y, raw):
    ...         return ((raw - y) ** 4).sum(axis=1)
    ...     def _unscaled_gradient(self, y, raw):
    ...         return 4 * (raw - y) ** 3
    >>> Quartic().gradient(np.zeros((2, 1)), np.ones((2, 1))).ravel().tolist()
    [2.0, 2.0]
    """

    def link(self, raw):
        """Map raw outputs to predictions (probabilities, means, ...)."""
        return raw

    def value(self, y, raw, sample_weight=None):
        """Weighted mean loss.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets (see each loss for the encoding).
        raw : ndarray of shape (n_samples, n_outputs)
            Raw network outputs.
        sample_weight : ndarray of shape (n_samples,), default=None

        Returns
        -------
        float
        """
        y = self._check_y(y, raw)
        scale = _row_scale(sample_weight, raw.shape[0], raw.dtype)
        return _weighted_sum(self._per_sample(y, raw), scale)

    def gradient(self, y, raw, sample_weight=None):
        """Gradient of :meth:`value` with respect to ``raw``.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs), dtype of ``raw``
        """
        y = self._check_y(y, raw)
        grad = self._unscaled_gradient(y, raw)
        grad *= _row_scale(sample_weight, raw.shape[0], raw.dtype)
        return grad

    def value_and_gradient(self, y, raw, sample_weight=None):
        """Both at once, sharing intermediate results where a loss can."""
        return self.value(y, raw, sample_weight), self.gradient(y, raw, sample_weight)

    def _check_y(self, y, raw):
        # Targets take the dtype of the outputs so float32 stays float32.
        y = np.asarray(y, dtype=raw.dtype)
        if y.ndim == 1 and raw.ndim == 2 and raw.shape[1] == 1:
            y = y.reshape(-1, 1)
        if y.shape != raw.shape:
            raise ValueError(
                f"{type(self).__name__}: targets of shape {y.shape} do not match "
                f"network outputs of shape {raw.shape}."
            )
        return y

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({params})"


class SquaredError(Loss):
    """Half squared error, averaged over outputs: ``l_i = 0.5 mean_k (y - raw)^2``.

    Link: identity. This is scikit-learn's ``squared_error`` for MLPRegressor.

    Parameters
    ----------
    output_gradient : {"mean", "sum"}, default="mean"
        ``"mean"``: the gradient is the derivative of the value.  ``"sum"``:
        the gradient is that of the per-sample *sum* over outputs, ``n_outputs``
        times larger, while the value still averages over them.  That is
        scikit-learn's MLPRegressor with several outputs (its issue #8349):
        SGD then takes steps ``n_outputs`` times longer, and the ``alpha``
        penalty weighs against the summed error.  Identical for one output.

    Examples
    --------
    >>> import numpy as np
    >>> SquaredError().value(np.array([[1.0]]), np.array([[3.0]]))
    2.0
    >>> y, raw = np.zeros((1, 2)), np.array([[2.0, 4.0]])
    >>> SquaredError().gradient(y, raw), SquaredError("sum").gradient(y, raw)
    (array([[1., 2.]]), array([[2., 4.]]))
    """

    def __init__(self, output_gradient="mean"):
        if output_gradient not in ("mean", "sum"):
            raise ValueError(
                f"output_gradient must be 'mean' or 'sum', got {output_gradient!r}."
            )
        self.output_gradient = output_gradient

    def _per_sample(self, y, raw):
        diff = raw - y
        diff *= diff
        return 0.5 * diff.mean(axis=1)

    def _unscaled_gradient(self, y, raw):
        grad = raw - y
        if self.output_gradient == "mean" and raw.shape[1] > 1:
            grad /= raw.shape[1]
        return grad

    def value_and_gradient(self, y, raw, sample_weight=None):
        y = self._check_y(y, raw)
        scale = _row_scale(sample_weight, raw.shape[0], raw.dtype)
        grad = np.subtract(raw, y, dtype=raw.dtype)
        k = raw.shape[1]
        per_sample = np.einsum("ij,ij->i", grad, grad) * (0.5 / k)
        value = _weighted_sum(per_sample, scale)
        summed = self.output_gradient == "sum"
        grad *= scale if (k == 1 or summed) else scale / k
        return value, grad


class BinaryCrossEntropy(Loss):
    """Log loss of independent sigmoid outputs (binary or multilabel).

    ``y`` in {0, 1} (or probabilities), shape ``(n_samples, n_outputs)``;
    ``l_i = sum_k softplus(raw_ik) - y_ik raw_ik`` (the log loss, computed
    without forming ``log(sigmoid)``). Link: sigmoid.

    Parameters
    ----------
    %(clip_proba)s

    Examples
    --------
    >>> import numpy as np
    >>> round(BinaryCrossEntropy().value(np.array([[1.0]]), np.array([[0.0]])), 4)
    0.6931
    >>> y, raw = np.array([[1.0]]), np.array([[-50.0]])
    >>> clipped = BinaryCrossEntropy(clip_proba=True)
    >>> BinaryCrossEntropy().value(y, raw), round(clipped.value(y, raw), 2)
    (50.0, 36.04)
    """

    def __init__(self, clip_proba=False):
        self.clip_proba = clip_proba

    def link(self, raw):
        return expit(raw)

    def _per_sample(self, y, raw):
        per_element = np.logaddexp(raw.dtype.type(0), raw)
        per_element -= y * raw
        clipped = clipping.binary_terms(y, raw) if self.clip_proba else None
        return (per_element if clipped is None else clipped).sum(axis=1)

    def _unscaled_gradient(self, y, raw):
        grad = expit(raw)
        grad -= y
        return grad


BinaryCrossEntropy.__doc__ %= {"clip_proba": clipping.CLIP_PROBA_DOC}


class CategoricalCrossEntropy(Loss):
    """Multiclass log loss with a softmax link.

    ``y`` is either integer class indices of shape ``(n_samples,)`` or one-hot
    (or soft) targets of shape ``(n_samples, n_classes)``;
    ``l_i = -log softmax(raw_i)[y_i]``.

    Parameters
    ----------
    %(clip_proba)s

    Examples
    --------
    >>> import numpy as np
    >>> loss = CategoricalCrossEntropy()
    >>> raw = np.array([[0.0, 0.0]])
    >>> loss.value(np.array([1]), raw) == loss.value(np.array([[0.0, 1.0]]), raw)
    True
    >>> raw, clipped = np.array([[0.0, -50.0]]), CategoricalCrossEntropy(True)
    >>> loss.value(np.array([1]), raw), round(clipped.value(np.array([1]), raw), 2)
    (50.0, 36.04)
    """

    def __init__(self, clip_proba=False):
        self.clip_proba = clip_proba

    def link(self, raw):
        return softmax(raw)

    def _check_y(self, y, raw):
        y = np.asarray(y)
        if y.ndim == 1:
            if y.shape[0] != raw.shape[0]:
                raise ValueError(
                    f"{y.shape[0]} labels for {raw.shape[0]} network outputs."
                )
            return y.astype(np.intp, copy=False)
        return super()._check_y(y, raw)

    @staticmethod
    def _softmax_parts(raw):
        """``(shifted logits, softmax, log of the row normalisers)``.

        Row sums are matrix-vector products: numpy's reductions over a short
        last axis cost several times more for the few classes of a batch.
        """
        shifted = _shifted(raw, axis=1)
        proba = np.exp(shifted)
        log_norm = proba @ _constant_vector(raw.shape[1], 1.0, raw.dtype)
        proba /= log_norm[:, None]
        np.log(log_norm, out=log_norm)
        return shifted, proba, log_norm

    def _stats(self, y, raw):
        """Softmax, and the per-sample loss computed from the same exponentials."""
        shifted, proba, log_norm = self._softmax_parts(raw)
        if y.ndim == 1:
            target_logit = shifted[np.arange(raw.shape[0]), y]
            per_sample = log_norm - target_logit
            if self.clip_proba:
                ceiling = clipping.log_ceiling(raw.dtype)
                np.minimum(per_sample, ceiling, out=per_sample)
        elif self.clip_proba and clipping.softmax_clipping_applies(proba, shifted):
            per_sample = clipping.softmax_terms(y, shifted, log_norm)
        else:
            y_total = y @ _constant_vector(y.shape[1], 1.0, y.dtype)
            per_sample = log_norm * y_total - np.einsum("ij,ij->i", y, shifted)
        return proba, per_sample

    def _total(self, y, raw):
        """Softmax and the summed (unweighted) loss, for 2-D targets.

        ``sum_i (log_norm_i * sum_k y_ik - y_i . shifted_i)`` as two
        matrix-vector products and one dot product: the per-sample vector
        is never formed.
        """
        shifted, proba, log_norm = self._softmax_parts(raw)
        if self.clip_proba and clipping.softmax_clipping_applies(proba, shifted):
            return proba, float(clipping.softmax_terms(y, shifted, log_norm).sum())
        y_total = y @ _constant_vector(y.shape[1], 1.0, y.dtype)
        return proba, float(log_norm @ y_total) - float(np.vdot(y, shifted))

    def _subtract_targets(self, proba, y):
        if y.ndim == 1:
            proba[np.arange(proba.shape[0]), y] -= 1
        else:
            proba -= y
        return proba

    def _per_sample(self, y, raw):
        return self._stats(y, raw)[1]

    def _unscaled_gradient(self, y, raw):
        return self._subtract_targets(softmax(raw), y)

    def value_and_gradient(self, y, raw, sample_weight=None):
        y = self._check_y(y, raw)
        scale = _row_scale(sample_weight, raw.shape[0], raw.dtype)
        if y.ndim == 2 and np.ndim(scale) == 0 and raw.ndim == 2:
            proba, total = self._total(y, raw)
            value = total * float(scale)
        else:
            proba, per_sample = self._stats(y, raw)
            value = _weighted_sum(per_sample, scale)
        grad = self._subtract_targets(proba, y)
        grad *= scale
        return value, grad


CategoricalCrossEntropy.__doc__ %= {"clip_proba": clipping.CLIP_PROBA_DOC}


class PerceptronLoss(Loss):
    """Perceptron criterion: ``l_i = sum_k max(0, -y_ik raw_ik)``, ``y`` in {-1, +1}.

    The hinge at margin 0. As in scikit-learn's SGD, a sample exactly on the
    boundary (``y raw = 0``) counts as a mistake, so training can start from
    zero weights. Link: identity (the sign gives the class).

    Examples
    --------
    >>> import numpy as np
    >>> PerceptronLoss().value(np.array([[1.0], [-1.0]]), np.array([[-2.0], [-3.0]]))
    1.0
    """

    margin = 0.0

    def _per_sample(self, y, raw):
        per_element = self.margin - y * raw
        np.maximum(per_element, 0, out=per_element)
        return per_element.sum(axis=1)

    def _unscaled_gradient(self, y, raw):
        mistakes = y * raw <= self.margin
        return np.where(mistakes, -y, 0).astype(raw.dtype, copy=False)


def get_loss(name, **kwargs):
    """Instantiate a loss by name.

    Parameters
    ----------
    name : str
        ``"squared_error"``, ``"binary_crossentropy"``,
        ``"categorical_crossentropy"``, ``"perceptron"``, ``"absolute_error"``,
        ``"huber"``, ``"hinge"``, ``"kl_divergence"`` or ``"poisson"``.
    **kwargs
        Passed to the loss (e.g. ``delta`` for Huber).

    Returns
    -------
    Loss

    Examples
    --------
    >>> get_loss("squared_error")
    SquaredError(output_gradient='mean')
    """
    from . import _extra_losses

    registry = {
        "squared_error": SquaredError,
        "binary_crossentropy": BinaryCrossEntropy,
        "categorical_crossentropy": CategoricalCrossEntropy,
        "perceptron": PerceptronLoss,
        **_extra_losses.REGISTRY,
    }
    if name not in registry:
        raise ValueError(f"Unknown loss {name!r}. Use one of {sorted(registry)}.")
    return registry[name](**kwargs)
