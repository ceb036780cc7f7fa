"""Per-member work of bagging: draw a member's rows/columns, fit it, predict.

These functions run inside joblib workers, on one contiguous chunk of members
each, so they take plain arguments and return plain results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils.random import sample_without_replacement
from sklearn.utils.validation import has_fit_parameter

from ..utils._indexing import take_rows
from ._base import fit_member, routing_enabled, set_random_states


@dataclass(frozen=True)
class DrawPlan:
    """How one member's training rows and columns are drawn."""

    n_samples: int
    n_features: int
    max_samples: int
    max_features: int
    bootstrap: bool
    bootstrap_features: bool


def _draw(rng, with_replacement, population, size):
    if with_replacement:
        return rng.randint(0, population, size)
    return sample_without_replacement(population, size, random_state=rng)


def draw_indices(seed, plan, sample_weight=None):
    """Column then row indices of the member seeded by ``seed``.

    The same seed always gives the same indices, which is how
    ``estimators_samples_`` is recomputed instead of stored.  With
    ``sample_weight`` rows are drawn proportionally to their weight.

    Returns
    -------
    features : ndarray of shape (max_features,)
    samples : ndarray of shape (max_samples,)
    """
    rng = check_random_state(seed)
    features = _draw(rng, plan.bootstrap_features, plan.n_features, plan.max_features)
    if sample_weight is None:
        samples = _draw(rng, plan.bootstrap, plan.n_samples, plan.max_samples)
    else:
        p = sample_weight / np.sum(sample_weight)
        samples = rng.choice(
            plan.n_samples, plan.max_samples, replace=plan.bootstrap, p=p
        )
    return features, samples


def consumes_sample_weight(estimator):
    """Whether ``estimator.fit`` takes ``sample_weight`` (requested, if routing)."""
    if routing_enabled():
        from sklearn.utils.metadata_routing import get_routing_for_object

        return get_routing_for_object(estimator).consumes("fit", ("sample_weight",))
    return has_fit_parameter(estimator, "sample_weight")


def _take_rows(params, rows, n_samples):
    """Index every per-sample entry of ``params`` by ``rows``."""
    taken = {}
    for key, value in params.items():
        if hasattr(value, "__len__") and not isinstance(value, str):
            arr = np.asarray(value) if not hasattr(value, "shape") else value
            if arr.shape and arr.shape[0] == n_samples:
                taken[key] = arr[rows]
                continue
        taken[key] = value
    return taken


def build_members(
    template, seeds, first_index, X, y, sample_weight, plan, fit_params, verbose=0
):
    """Clone, seed and fit one member per seed.

    Members that accept ``sample_weight`` see the whole ``X`` with the draw
    counts as weights (no copy of the rows); others are fitted on the drawn rows.

    Returns
    -------
    members : list of fitted estimators
    features : list of ndarray
    """
    subset_columns = plan.bootstrap_features or plan.max_features != plan.n_features
    weighted = consumes_sample_weight(template)
    members, member_features = [], []
    for offset, seed in enumerate(seeds):
        if verbose > 1:
            print(
                f"Building estimator {offset + 1} of {len(seeds)} for this "
                f"parallel run (members #{first_index}...)"
            )
        member = set_random_states(clone(template), seed)
        features, rows = draw_indices(seed, plan, sample_weight)
        params = dict(fit_params)
        if weighted:
            params["sample_weight"] = np.bincount(rows, minlength=plan.n_samples)
            X_member, y_member = X, y
        else:
            params = _take_rows(params, rows, plan.n_samples)
            X_member, y_member = take_rows(X, rows), y[rows]
        if subset_columns:
            X_member = X_member[:, features]
        label = f"member #{first_index + offset} ({type(member).__name__})"
        fit_member(member, X_member, y_member, params, label=label)
        members.append(member)
        member_features.append(features)
    return members, member_features


def member_votes(member, X, n_classes, params):
    """Class-probability votes of one classifier member, shape (n, n_classes).

    Members with ``predict_proba`` vote with their probabilities (soft voting);
    others cast one full vote for their predicted class.  Members trained on a
    subset of the classes fill only their own columns.
    """
    votes = np.zeros((X.shape[0], n_classes))
    member_classes = np.asarray(member.classes_, dtype=int)
    if hasattr(member, "predict_proba"):
        proba = member.predict_proba(X, **params.get("predict_proba", {}))
        votes[:, member_classes] += proba[:, : len(member_classes)]
    else:
        predicted = np.asarray(member.predict(X, **params.get("predict", {})), int)
        votes[np.arange(X.shape[0]), predicted] += 1
    return votes


def sum_votes(members, features, X, n_classes, params):
    """Sum of :func:`member_votes` over a chunk of members."""
    total = np.zeros((X.shape[0], n_classes))
    for member, cols in zip(members, features):
        total += member_votes(member, X[:, cols], n_classes, params)
    return total


def sum_log_proba(members, features, X, n_classes, params):
    """``log(sum(predict_proba))`` over a chunk of members, computed stably."""
    log_total = np.full((X.shape[0], n_classes), -np.inf)
    for member, cols in zip(members, features):
        member_classes = np.asarray(member.classes_, dtype=int)
        log_proba = member.predict_log_proba(X[:, cols], **params)
        log_total[:, member_classes] = np.logaddexp(
            log_total[:, member_classes], log_proba[:, : len(member_classes)]
        )
    return log_total


def sum_method(members, features, X, method, params):
    """Sum of ``member.<method>(X)`` over a chunk of members."""
    return sum(
        getattr(m, method)(X[:, cols], **params) for m, cols in zip(members, features)
    )
