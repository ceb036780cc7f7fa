"""scikit-learn's reported log loss: probabilities clipped to ``[eps, 1 - eps]``.

scikit-learn's MLP takes the log of each probability after clipping it to
``[eps, 1 - eps]`` (``eps`` of the dtype), so no term of its reported loss
exceeds ``-log(eps)``.  The cross-entropies of :mod:`.losses` compute the
exact value from the logits; with ``clip_proba=True`` they cap each term as
scikit-learn does (up to ``eps`` per term: ``min(term, -log(eps))``), using
these helpers only when some term reaches the cap.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CLIP_PROBA_DOC",
    "binary_terms",
    "log_ceiling",
    "softmax_clipping_applies",
    "softmax_terms",
]

CLIP_PROBA_DOC = """clip_proba : bool, default=False
        Report the value as scikit-learn's MLP does: every probability is
        clipped to ``[eps, 1 - eps]`` (``eps`` of the dtype) before its log
        is taken, so no term exceeds ``-log(eps)`` however confidently wrong
        the output (the exact value grows with the logit).  Up to ``eps`` per
        term this is ``min(term, -log(eps))``.  The gradient is unchanged
        (scikit-learn's is not clipped either)."""


def log_ceiling(dtype):
    """``-log(eps)`` of ``dtype`` (36.04 in float64, 15.94 in float32).

    Examples
    --------
    >>> import numpy as np
    >>> round(log_ceiling(np.float32), 2)
    15.94
    """
    return float(-np.log(np.finfo(dtype).eps))


def binary_terms(y, raw):
    """Clipped sigmoid log-loss terms, or None when no term reaches the cap.

    ``y min(-log p, c) + (1 - y) min(-log(1 - p), c)`` elementwise, ``p`` the
    sigmoid of ``raw``.  ``softplus(r)`` passes the cap ``c`` only beyond
    ``|r| = c - 1e-7``; an infinite output (an overflow) keeps its exact,
    non-finite value so that the training loop reports it.
    """
    ceiling = log_ceiling(raw.dtype)
    if not raw.size or not ceiling - 1e-6 < np.abs(raw).max() < np.inf:
        return None
    zero = raw.dtype.type(0)
    positive = np.minimum(np.logaddexp(zero, -raw), ceiling)  # -log p
    negative = np.minimum(np.logaddexp(zero, raw), ceiling)  # -log(1 - p)
    return y * positive + (1 - y) * negative


def softmax_clipping_applies(proba, shifted):
    """Whether a softmax term can reach the cap: some probability is below
    ``eps`` (``2 eps``, a margin for the rounding of ``proba``).  Never for
    infinite logits (see :func:`binary_terms`)."""
    if not proba.size or not proba.min() < 2 * np.finfo(proba.dtype).eps:
        return False
    return bool(np.isfinite(shifted).all())


def softmax_terms(y, shifted, log_norm):
    """``sum_k y_ik min(-log p_ik, -log eps)`` per sample, for 2-D targets."""
    terms = np.subtract(log_norm[:, None], shifted)
    np.minimum(terms, log_ceiling(shifted.dtype), out=terms)
    return np.einsum("ij,ij->i", y, terms)
