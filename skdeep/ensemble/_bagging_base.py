"""Fitting logic shared by the bagging classifier and regressor.

Each member is a clone of one estimator trained on a random draw of rows
(with replacement: bagging; without: pasting) and of columns (random
subspaces / patches).  Members are built in parallel with joblib; each draw is
reproduced from a per-member seed, so the in-bag rows are never stored.
"""

from __future__ import annotations

import itertools
import numbers
from functools import partial
from numbers import Integral
from warnings import warn

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    MetaEstimatorMixin,
    TransformerMixin,
)
from sklearn.metrics import get_scorer_names
from sklearn.utils import check_random_state
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._fit_context import fit_context
from ..utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)
from ..utils.validation import check_sample_weight
from ._bagging_members import DrawPlan, build_members, draw_indices, sum_method
from ._base import (
    MAX_SEED,
    FittedMembersMixin,
    partition,
    raise_for_params,
    route_params,
)


def n_rows_to_draw(n_samples, max_samples, sample_weight):
    """Number of rows each member draws (``max_samples`` resolved)."""
    if max_samples is None:
        return n_samples
    if isinstance(max_samples, Integral):
        return max_samples
    if sample_weight is None:
        total, described = n_samples, f"the number of samples is {n_samples}"
    else:
        total = sample_weight.sum()
        described = f"the total sum of sample weights is {total}"
    n_draw = max(int(max_samples * total), 1)
    if n_draw < max(10, n_samples ** (1 / 3)):
        warn(
            f"Using the fractional value max_samples={max_samples} when "
            f"{described} results in a low number ({n_draw}) of bootstrap "
            "samples. We recommend passing `max_samples` as an integer instead.",
            stacklevel=3,
        )
    return n_draw


def _wants_oob(oob_score):
    return not (isinstance(oob_score, (bool, np.bool_)) and not oob_score)


class _BaseBagging(
    FittedMembersMixin,
    MetaEstimatorMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    BaseEstimator,
):
    """Shared fitting logic of the bagging classifier and regressor."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_samples": [
            None,
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "max_features": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "bootstrap": ["boolean"],
        "bootstrap_features": ["boolean"],
        "oob_score": ["boolean", StrOptions(set(get_scorer_names())), callable],
        "warm_start": ["boolean"],
        "n_jobs": [None, Integral],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        max_samples=None,
        max_features=1.0,
        bootstrap=True,
        bootstrap_features=False,
        oob_score=False,
        warm_start=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    @fit_context
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Build the ensemble from the training set ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (sparse if the members accept it).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Rows are drawn with probability proportional to their weight.
        **fit_params : dict
            Metadata routed to the members' ``fit`` (metadata routing only).

        Returns
        -------
        self : object
        """
        raise_for_params(fit_params, self, "fit")
        return self._validate_and_fit(X, y, sample_weight, fit_params)

    def _validate_and_fit(self, X, y, sample_weight, fit_params):
        warm = self.warm_start and hasattr(self, "estimators_")
        previous = getattr(self, "n_features_in_", None) if warm else None
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite=False,
            multi_output=True,
        )
        if previous is not None and X.shape[1] != previous:
            raise ValueError(
                f"X has {X.shape[1]} features, but the members kept by "
                f"warm_start=True were fitted on {previous}. Refit with "
                "warm_start=False to change the features."
            )
        if sample_weight is not None:
            sample_weight = check_sample_weight(
                sample_weight, X, dtype=None, allow_all_zero=False
            )
            if not self.bootstrap:
                warn(
                    f"When fitting {type(self).__name__} with sample_weight it is "
                    f"recommended to use bootstrap=True, got {self.bootstrap}.",
                    stacklevel=2,
                )
        return self._fit(X, y, sample_weight, fit_params)

    def _resolve_plan(self, X, sample_weight):
        n_samples, n_features = X.shape
        max_samples = n_rows_to_draw(n_samples, self.max_samples, sample_weight)
        if not self.bootstrap and max_samples > n_samples:
            raise ValueError(
                f"Effective max_samples={max_samples} must be <= "
                f"n_samples={n_samples} to be able to sample without replacement."
            )
        if isinstance(self.max_features, numbers.Integral):
            max_features = self.max_features
        else:
            max_features = int(self.max_features * n_features)
        if max_features > n_features:
            raise ValueError("max_features must be <= n_features")
        return DrawPlan(
            n_samples=n_samples,
            n_features=n_features,
            max_samples=max_samples,
            max_features=max(1, int(max_features)),
            bootstrap=bool(self.bootstrap),
            bootstrap_features=bool(self.bootstrap_features),
        )

    def _check_oob_options(self):
        if _wants_oob(self.oob_score) and not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if _wants_oob(self.oob_score) and self.warm_start:
            raise ValueError("Out of bag estimate only available if warm_start=False")

    def _fit(self, X, y, sample_weight, fit_params):
        rng = check_random_state(self.random_state)
        y_fit, target_attrs = self._encode_target(y)
        template = self._get_estimator()
        plan = self._resolve_plan(X, sample_weight)
        self._check_oob_options()
        member_params = route_params(self, "fit", ["estimator"], fit_params)
        member_params = member_params["estimator"].get("fit", {})

        old_members, old_features, old_seeds = self._warm_start_members()
        n_more = self._n_members_to_add(len(old_members))
        if n_more == 0:
            warn(
                "Warm-start fitting without increasing n_estimators does not "
                "fit new trees.",
                stacklevel=2,
            )
            return self
        # Skip the seeds already used so that warm starts continue the stream.
        rng.randint(MAX_SEED, size=len(old_members))
        seeds = rng.randint(MAX_SEED, size=n_more)
        new_members, new_features = self._build_in_parallel(
            template,
            seeds,
            len(old_members),
            (X, y_fit, sample_weight),
            plan,
            member_params,
        )

        # Everything succeeded: only now update the model.
        for name, value in target_attrs.items():
            setattr(self, name, value)
        self.estimator_ = template
        self.estimators_ = old_members + new_members
        self.estimators_features_ = old_features + new_features
        self._seeds = np.concatenate([old_seeds, seeds])
        self._store_plan(plan, sample_weight)
        if _wants_oob(self.oob_score):
            self._set_oob_score(X, y_fit)
        return self

    def _warm_start_members(self):
        """Members, feature subsets and seeds kept from a previous fit."""
        warm = self.warm_start and hasattr(self, "estimators_")
        old_members = list(self.estimators_) if warm else []
        old_features = list(self.estimators_features_) if warm else []
        old_seeds = self._seeds if warm else np.empty(0, dtype=int)
        return old_members, old_features, old_seeds

    def _n_members_to_add(self, n_old):
        """``n_estimators - n_old``, refusing to shrink a warm-started model."""
        n_more = self.n_estimators - n_old
        if n_more < 0:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"len(estimators_)={n_old} when warm_start==True"
            )
        return n_more

    def _build_in_parallel(self, template, seeds, first_index, data, plan, params):
        """Fit one member per seed over joblib workers; (members, features)."""
        X, y_fit, sample_weight = data
        n_chunks, bounds = partition(len(seeds), self.n_jobs)
        chunks = Parallel(n_jobs=n_chunks, verbose=self.verbose)(
            delayed(build_members)(
                template,
                seeds[bounds[i] : bounds[i + 1]],
                first_index + bounds[i],
                X,
                y_fit,
                sample_weight,
                plan,
                params,
                verbose=self.verbose,
            )
            for i in range(n_chunks)
        )
        members = list(itertools.chain.from_iterable(c[0] for c in chunks))
        features = list(itertools.chain.from_iterable(c[1] for c in chunks))
        return members, features

    def _store_plan(self, plan, sample_weight):
        """Keep the draw plan (members' rows are redrawn from their seeds)."""
        self._plan, self._sample_weight = plan, sample_weight
        self._n_samples, self._max_samples = plan.n_samples, plan.max_samples
        self._max_features = plan.max_features
        if hasattr(self, "oob_score_"):
            del self.oob_score_

    def _get_estimators_indices(self):
        for seed in self._seeds:
            yield draw_indices(seed, self._plan, self._sample_weight)

    @property
    def estimators_samples_(self):
        """Row indices drawn for each member (recomputed from its seed).

        Returns
        -------
        list of ndarray of shape (max_samples,)
        """
        return [rows for _, rows in self._get_estimators_indices()]

    def _oob_masks(self):
        for rows in self.estimators_samples_:
            in_bag = np.zeros(self._n_samples, dtype=bool)
            in_bag[rows] = True
            yield ~in_bag

    def _predict_chunks(self, X, work, combine=sum):
        """Run ``work(members, features, X)`` on member chunks, then combine."""
        n_chunks, bounds = partition(len(self.estimators_), self.n_jobs)
        parts = Parallel(n_jobs=n_chunks, verbose=self.verbose)(
            delayed(work)(
                self.estimators_[bounds[i] : bounds[i + 1]],
                self.estimators_features_[bounds[i] : bounds[i + 1]],
                X,
            )
            for i in range(n_chunks)
        )
        return combine(parts)

    def _mean_member_output(self, method, X, params):
        """Average of the members' ``method(X[:, features])`` (routed ``params``)."""
        routed = self._routed_predict_params(method, params)
        X = self._check_predict_X(X)
        work = partial(sum_method, method=method, params=routed.get(method, {}))
        return self._predict_chunks(X, work) / len(self.estimators_)

    def _stacked_member_outputs(self, X, member_output):
        """``member_output(member, X[:, features])`` of every member, side by side."""
        X = self._check_predict_X(X)
        return np.hstack(
            [
                member_output(member, X[:, cols])
                for member, cols in zip(self.estimators_, self.estimators_features_)
            ]
        )

    def _check_predict_X(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite=False,
            reset=False,
        )

    def _routed_predict_params(self, method, params):
        raise_for_params(params, self, method)
        if not params:
            return {}
        return route_params(self, method, ["estimator"], params)["estimator"]

    def get_metadata_routing(self):
        """Routing of metadata from this ensemble to its members.

        Returns
        -------
        routing : :class:`~sklearn.utils.metadata_routing.MetadataRouter`
        """
        template = self._get_estimator()
        has = {m: hasattr(template, m) for m in ("predict_proba", "predict_log_proba")}
        proba_source = "predict_proba" if has["predict_proba"] else "predict"
        log_source = "predict_log_proba" if has["predict_log_proba"] else proba_source
        mapping = (
            MethodMapping()
            .add(caller="fit", callee="fit")
            .add(caller="decision_function", callee="decision_function")
            .add(caller="predict", callee=proba_source)
            .add(caller="predict_proba", callee=proba_source)
            .add(caller="predict_log_proba", callee=log_source)
        )
        return MetadataRouter(owner=self).add(
            estimator=template, method_mapping=mapping
        )

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        member_tags = get_tags(self._get_estimator())
        tags.input_tags.sparse = member_tags.input_tags.sparse
        tags.input_tags.allow_nan = member_tags.input_tags.allow_nan
        return tags
