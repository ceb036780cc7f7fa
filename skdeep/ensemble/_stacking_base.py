"""Fitting shared by the stacking classifier and regressor.

The members are fitted on all the data (they make the test-time features),
while the final estimator (the *blender*) is trained on their out-of-fold
predictions from :func:`sklearn.model_selection.cross_val_predict`, so that it
learns how much to trust each member on data the member has not seen.
"""

from __future__ import annotations

from copy import deepcopy
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    TransformerMixin,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.utils import Bunch
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from ..utils._param_validation import HasMethods, StrOptions
from ._base import (
    MemberListMixin,
    _VisualBlock,
    check_feature_names_in,
    fit_member,
    is_drop,
    member_input_tags,
    route_params,
    routing_enabled,
)

_AUTO_METHODS = ("predict_proba", "decision_function", "predict")


def response_method_name(name, member, method):
    """The member method whose output feeds the final estimator."""
    if is_drop(member):
        return None
    candidates = _AUTO_METHODS if method == "auto" else (method,)
    for candidate in candidates:
        if hasattr(member, candidate):
            return candidate
    shown = list(candidates) if method == "auto" else method
    raise ValueError(
        f"Underlying estimator {name} does not implement the method {shown}."
    )


class _BaseStacking(MemberListMixin, TransformerMixin, BaseEstimator):
    """Member fitting, out-of-fold features and the final fit."""

    _parameter_constraints: dict = {
        "estimators": [list, None],
        "final_estimator": [None, HasMethods("fit")],
        "cv": ["cv_object", StrOptions({"prefit"})],
        "n_jobs": [None, Integral],
        "passthrough": ["boolean"],
        "verbose": ["verbose"],
    }

    def _sk_visual_block_(self):
        # The members side by side, then the final estimator labelled as such.
        final = _VisualBlock(
            "parallel",
            [self._given_final()],
            names=["final_estimator"],
            dash_wrapped=False,
        )
        members = self._members_visual_block(dash_wrapped=False)
        return _VisualBlock("serial", (members, final), dash_wrapped=False)

    def _given_final(self):
        """``final_estimator`` as given, ``None`` resolved to the default."""
        if self.final_estimator is None:
            return self._default_final()
        return self.final_estimator

    def _current_final(self):
        """The fitted final estimator when there is one, else the given one."""
        final = getattr(self, "final_estimator_", None)
        return self._given_final() if final is None else final

    def _final_template(self):
        final = self._given_final()
        kind_ok = is_classifier if is_classifier(self) else is_regressor
        if not kind_ok(final):
            kind = "classifier" if is_classifier(self) else "regressor"
            raise ValueError(
                f"'final_estimator' parameter should be a {kind}. Got {final}"
            )
        return clone(final)

    def _resolved_stack_method(self):
        return getattr(self, "stack_method", "predict")

    def _fit_stack(self, X, y, fit_params, binary=False):
        names, members = self._members()
        final = self._final_template()
        active = self._active_members()
        routed = route_params(self, "fit", [n for n, _ in active], fit_params)
        if self.cv == "prefit":
            for _, member in active:
                check_is_fitted(member)
            fitted = [member for _, member in active]
        else:
            fitted = self._fit_member_clones(active, X, y, routed)
        methods = [
            response_method_name(n, m, self._resolved_stack_method()) for n, m in active
        ]
        if self.cv == "prefit":
            predictions = [getattr(m, meth)(X) for m, meth in zip(fitted, methods)]
        else:
            predictions = self._out_of_fold(active, methods, X, y, routed)
        stacked, widths = self._stack_features(X, predictions, methods, binary)
        fit_member(final, stacked, y, fit_params, label="final_estimator")

        named = Bunch()
        remaining = iter(fitted)
        for name, member in zip(names, members):
            named[name] = "drop" if is_drop(member) else next(remaining)
        self._set_feature_names_from(fitted)
        self.estimators_, self.named_estimators_ = fitted, named
        self.stack_method_, self.final_estimator_ = methods, final
        self._n_feature_outs = widths
        return self

    def _out_of_fold(self, active, methods, X, y, routed):
        """Cross-validated predictions of every member (same folds for all)."""
        cv = check_cv(self.cv, y=y, classifier=is_classifier(self))
        if hasattr(cv, "random_state") and cv.random_state is None:
            # A shuffling splitter must give every member the same folds.
            cv.random_state = np.random.RandomState()
        return Parallel(n_jobs=self.n_jobs)(
            delayed(cross_val_predict)(
                clone(member),
                X,
                y,
                cv=deepcopy(cv),
                method=method,
                n_jobs=self.n_jobs,
                params=routed[name].get("fit", {}),
                verbose=self.verbose,
            )
            for (name, member), method in zip(active, methods)
        )

    def _stack_features(self, X, predictions, methods, binary):
        """Member outputs side by side (plus ``X`` with ``passthrough``).

        A binary ``predict_proba`` keeps only the positive-class column, since
        the two columns carry the same information.
        """
        blocks = []
        for output, method in zip(predictions, methods):
            if isinstance(output, list):  # multilabel predict_proba
                blocks.extend(column[:, 1:] for column in output)
            elif output.ndim == 1:
                blocks.append(output.reshape(-1, 1))
            elif method == "predict_proba" and binary:
                blocks.append(output[:, 1:])
            else:
                blocks.append(output)
        widths = [block.shape[1] for block in blocks]
        if self.passthrough:
            blocks.append(X)
            if sp.issparse(X):
                return sp.hstack(blocks, format=X.format), widths
        return np.hstack(blocks), widths

    @property
    def n_features_in_(self):
        """Number of features seen during fit (from the first member)."""
        return self._first_member_n_features_in(
            "{} object has no attribute n_features_in_"
        )

    def transform(self, X):
        """Member outputs, as fed to the final estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        X_meta : ndarray or sparse matrix of shape (n_samples, n_meta_features)
            One block per member (``stack_method_``), then ``X`` itself if
            ``passthrough``.
        """
        check_is_fitted(self)
        outputs = [
            getattr(member, method)(X)
            for member, method in zip(self.estimators_, self.stack_method_)
        ]
        binary = self._is_binary()
        return self._stack_features(X, outputs, self.stack_method_, binary)[0]

    def _is_binary(self):
        classes = getattr(self, "classes_", None)
        return (
            classes is not None and not isinstance(classes, list) and len(classes) == 2
        )

    def _final_predict_params(self, params):
        if routing_enabled() and params:
            from sklearn.utils.metadata_routing import process_routing

            return dict(
                process_routing(self, "predict", **params)["final_estimator_"][
                    "predict"
                ]
            )
        return params

    def get_feature_names_out(self, input_features=None):
        """Names of the :meth:`transform` columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input names, used with ``passthrough``.

        Returns
        -------
        names : ndarray of str objects
        """
        check_is_fitted(self, "n_features_in_")
        input_features = check_feature_names_in(
            self, input_features, generate_names=self.passthrough
        )
        prefix = type(self).__name__.lower()
        names = [name for name, _ in self._active_members()]
        out = []
        for name, width in zip(names, self._n_feature_outs):
            if width == 1:
                out.append(f"{prefix}_{name}")
            else:
                out.extend(f"{prefix}_{name}{i}" for i in range(width))
        if self.passthrough:
            return np.concatenate((np.asarray(out, dtype=object), input_features))
        return np.asarray(out, dtype=object)

    def get_metadata_routing(self):
        """Route fit metadata to the members and predict metadata to the blender.

        Returns
        -------
        routing : :class:`~sklearn.utils.metadata_routing.MetadataRouter`
        """
        router = self._route_fit_to_members(MetadataRouter(owner=self))
        mapping = MethodMapping().add(caller="predict", callee="predict")
        router.add(final_estimator_=self._current_final(), method_mapping=mapping)
        return router

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        return member_input_tags(tags, self._members)
