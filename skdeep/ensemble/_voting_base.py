"""Fitting shared by the voting classifier and regressor."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    TransformerMixin,
    is_classifier,
    is_regressor,
)
from sklearn.linear_model import Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import Bunch
from sklearn.utils.metadata_routing import MetadataRouter

from ._base import (
    MemberListMixin,
    check_feature_names_in,
    is_drop,
    member_input_tags,
    route_params,
)


def default_classifiers():
    """Members used when ``estimators=None``: two models with different biases.

    Both are insensitive to feature scaling and accept ``sample_weight``.
    """
    return [
        ("naive_bayes", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=4, random_state=0)),
    ]


def default_regressors():
    """Members used when ``estimators=None``: a linear model and a tree."""
    return [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=4, random_state=0)),
    ]


class _BaseVoting(MemberListMixin, TransformerMixin, BaseEstimator):
    """Fitting shared by the voting classifier and regressor."""

    _parameter_constraints: dict = {
        "estimators": [list, None],
        "weights": ["array-like", None],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
    }

    def _sk_visual_block_(self):
        return self._members_visual_block()

    def _members(self):
        # Not is_classifier(self): it reads our tags, whose input tags read the
        # members through this method (a recursion that only stopped at
        # Python's limit, 6 ms a call).
        if isinstance(self, ClassifierMixin):
            return self._checked_members(
                default_classifiers, is_classifier, "classifier"
            )
        return self._checked_members(default_regressors, is_regressor, "regressor")

    @property
    def _weights_not_none(self):
        """Weights of the members that are not dropped (None: equal)."""
        if self.weights is None:
            return None
        names, members = self._members()
        return [w for m, w in zip(members, self.weights) if not is_drop(m)]

    def _fit_members(self, X, y, fit_params):
        names, members = self._members()
        if self.weights is not None and len(self.weights) != len(members):
            raise ValueError(
                "Number of `estimators` and weights must be equal; got "
                f"{len(self.weights)} weights, {len(members)} estimators"
            )
        active = self._active_members()
        routed = route_params(self, "fit", [n for n, _ in active], fit_params)
        fitted = self._fit_member_clones(active, X, y, routed, "Voting")
        named = Bunch()
        remaining = iter(fitted)
        for name, member in zip(names, members):
            named[name] = member if is_drop(member) else next(remaining)
        self._set_feature_names_from(fitted)
        self.estimators_ = fitted
        self.named_estimators_ = named
        return self

    def _predict(self, X):
        """Member predictions stacked as columns, shape (n_samples, n_members)."""
        return np.asarray([member.predict(X) for member in self.estimators_]).T

    @property
    def n_features_in_(self):
        """Number of features seen during fit (from the first member)."""
        return self._first_member_n_features_in(
            "{} object has no n_features_in_ attribute."
        )

    def get_metadata_routing(self):
        """Route fit metadata (e.g. ``sample_weight``) to every member's ``fit``.

        Returns
        -------
        routing : :class:`~sklearn.utils.metadata_routing.MetadataRouter`
        """
        return self._route_fit_to_members(MetadataRouter(owner=self))

    def _prefixed_member_names(self, input_features, suffixes=("",)):
        """``<class>_<member><suffix>`` for every active member and suffix."""
        check_feature_names_in(self, input_features)
        prefix = type(self).__name__.lower()
        names = [
            f"{prefix}_{name}{suffix}"
            for name, _ in self._active_members()
            for suffix in suffixes
        ]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        return member_input_tags(tags, self._members)
