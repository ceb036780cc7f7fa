"""Best-split search over histograms, for many nodes and features at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SplitResult", "best_splits"]


@dataclass
class SplitRow:
    """The chosen split of one node and the statistics of its left child."""

    gain: float
    feature: int
    bin: int
    missing_left: bool
    grad_left: float
    hess_left: float
    count_left: int
    next_bin: int = -1


@dataclass
class SplitResult:
    """Best split of ``k`` nodes; every field has shape (k,).

    ``gain`` is ``-inf`` for nodes without any admissible split.
    ``next_bin`` is the node's first occupied non-missing bin after ``bin``
    (-1 if none): any bin from ``bin`` to ``next_bin - 1`` splits the node's
    rows alike, and :meth:`BinMapper.split_bin` picks the threshold among them.
    """

    gain: np.ndarray
    feature: np.ndarray
    bin: np.ndarray
    missing_left: np.ndarray
    grad_left: np.ndarray
    hess_left: np.ndarray
    count_left: np.ndarray
    next_bin: np.ndarray

    def row(self, i):
        return SplitRow(
            float(self.gain[i]),
            int(self.feature[i]),
            int(self.bin[i]),
            bool(self.missing_left[i]),
            float(self.grad_left[i]),
            float(self.hess_left[i]),
            int(round(self.count_left[i])),
            int(self.next_bin[i]),
        )


def _left_sums(hist, n_directions=2):
    """Left-child sums for every threshold and NaN direction.

    Splitting at bin ``b`` sends bins ``<= b`` left; the missing bin (last)
    goes right (direction 0) or left (direction 1).  Output shape is
    (k, F, B - 1, n_directions); with ``n_directions=1`` (no missing values
    in any of the nodes, where both directions are the same split) only
    direction 0 is formed.
    """
    below = np.cumsum(hist[:, :, :-1], axis=2)
    if n_directions == 1:
        return below[..., None]
    missing = hist[:, :, -1:]
    return np.stack((below, below + missing), axis=-1)


def _score(grad, hess, l2):
    """``grad**2 / (hess + l2)``; entries with ``hess <= 0`` come out as
    inf/NaN and must be masked by the caller (splits require ``hess > 0``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.square(grad) / (hess + l2)


def _quantize(gain):
    """Gains rounded to 1e-9 of each node's best, so that ties broken by
    floating-point noise (summation order) resolve to the first feature/bin."""
    scale = np.max(np.abs(np.where(np.isfinite(gain), gain, 0.0)), axis=1)
    scale = np.where(scale > 0, scale, 1.0)[:, None]
    return np.round(gain / scale, 9)


def _admissible(left, right, params, feature_mask):
    """Splits whose children (``(hess, count)`` sums each) respect the leaf
    minimums and have positive hessian, on the allowed features only."""
    (h_left, c_left), (h_right, c_right) = left, right
    valid = (c_left >= params.min_samples_leaf) & (c_right >= params.min_samples_leaf)
    valid &= (h_left > 0) & (h_right > 0)
    if params.min_weight_leaf > 0:
        valid &= h_left >= params.min_weight_leaf
        valid &= h_right >= params.min_weight_leaf
    if feature_mask is not None:
        valid &= feature_mask[:, :, None, None]
    return valid


def best_splits(grad, hess, counts, *, totals, params, feature_mask=None):
    """Best split of each node from its histograms.

    Parameters
    ----------
    grad, hess, counts : ndarray of shape (k, n_features, n_bins)
        Per-node histograms; the last bin holds the missing values.
    totals : tuple of three ndarray of shape (k,)
        Gradient sum, hessian sum and sample count of each node.
    params : TreeParams
        Supplies ``min_samples_leaf``, ``min_weight_leaf`` and
        ``l2_regularization``.
    feature_mask : ndarray of shape (k, n_features) of bool, default=None
        Features each node may use (``None``: all).

    Returns
    -------
    SplitResult
    """
    k, n_features, n_bins = grad.shape
    g_tot, h_tot, c_tot = (t[:, None, None, None] for t in totals)
    # Without missing values both NaN directions give the same split, and
    # the first (direction 0) would win the tie anyway: form it alone.
    n_directions = 2 if counts[:, :, -1].any() else 1
    g_left, h_left, c_left = (
        _left_sums(hist, n_directions) for hist in (grad, hess, counts)
    )
    g_right, h_right, c_right = g_tot - g_left, h_tot - h_left, c_tot - c_left
    l2 = params.l2_regularization
    with np.errstate(invalid="ignore"):  # inf - inf on empty children
        gain = _score(g_left, h_left, l2) + _score(g_right, h_right, l2)
        gain -= _score(g_tot, h_tot, l2)
    valid = _admissible((h_left, c_left), (h_right, c_right), params, feature_mask)
    gain = np.where(valid, gain, -np.inf).reshape(k, -1)
    best = np.argmax(_quantize(gain), axis=1)
    feature, bin_index, direction = np.unravel_index(
        best, (n_features, n_bins - 1, n_directions)
    )
    nodes = np.arange(k)
    pick = (nodes, feature, bin_index, direction)
    missing_left = direction.astype(bool)
    # Without NaN in the node, NaN at predict time follows the larger child.
    no_missing = counts[nodes, feature, -1] == 0
    larger_left = c_left[pick] >= c_right[pick]
    missing_left = np.where(no_missing, larger_left, missing_left)
    return SplitResult(
        gain=gain[nodes, best],
        feature=feature,
        bin=bin_index,
        missing_left=missing_left,
        grad_left=g_left[pick],
        hess_left=h_left[pick],
        count_left=c_left[pick],
        next_bin=_next_occupied(counts[nodes, feature, :-1], bin_index),
    )


def _next_occupied(counts, after):
    """First bin after ``after[i]`` with a row in ``counts[i]`` (-1 if none)."""
    later = (counts > 0.5) & (np.arange(counts.shape[1]) > after[:, None])
    first = np.argmax(later, axis=1)
    return np.where(later[np.arange(first.size), first], first, -1)
