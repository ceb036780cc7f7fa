"""Helpers shared by the meta-estimators of :mod:`skdeep.ensemble`.

Everything here works on *any* scikit-learn compatible estimator: members are
copied with :func:`sklearn.base.clone`, seeded through their ``random_state``
parameters, fitted (with errors that name the failing member) and run in
parallel through :mod:`joblib` (via :mod:`sklearn.utils.parallel`, which
carries scikit-learn's configuration, e.g. metadata routing, into workers).
"""

from __future__ import annotations

import time

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.metadata_routing import MethodMapping
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

try:
    from sklearn.utils._repr_html.estimator import _VisualBlock
except ImportError:  # scikit-learn < 1.7
    from sklearn.utils._estimator_html_repr import _VisualBlock

from ._routing import raise_for_params as raise_for_params
from ._routing import raise_for_unsupported_routing as raise_for_unsupported_routing
from ._routing import route_params as route_params
from ._routing import routing_enabled as routing_enabled

MAX_SEED = np.iinfo(np.int32).max


def set_random_states(estimator, random_state):
    """Give every ``*random_state`` parameter of ``estimator`` a fixed seed.

    Seeds are drawn in sorted parameter order so that a given ``random_state``
    always configures the same member the same way.
    """
    rng = check_random_state(random_state)
    seeds = {
        key: rng.randint(MAX_SEED)
        for key in sorted(estimator.get_params(deep=True))
        if key == "random_state" or key.endswith("__random_state")
    }
    if seeds:
        estimator.set_params(**seeds)
    return estimator


def partition(n_items, n_jobs):
    """Split ``n_items`` into contiguous chunks, one per joblib worker.

    Returns
    -------
    n_chunks : int
    bounds : list of int of length ``n_chunks + 1``
        Chunk ``i`` covers ``range(bounds[i], bounds[i + 1])``.
    """
    n_chunks = max(1, min(effective_n_jobs(n_jobs), n_items))
    sizes = np.full(n_chunks, n_items // n_chunks, dtype=int)
    sizes[: n_items % n_chunks] += 1
    return n_chunks, [0, *np.cumsum(sizes).tolist()]


def _rewrap(exc, label):
    """Same exception type, with a message saying which member failed."""
    try:
        wrapped = type(exc)(f"{label} failed to fit: {exc}")
    except Exception:  # exotic constructors: keep the original error
        return exc
    return wrapped


def fit_member(estimator, X, y, fit_params, *, label, progress=None):
    """Fit one member, naming it in any error it raises.

    Parameters
    ----------
    estimator : estimator
        Unfitted member (already cloned).
    X, y : array-like
        Training data.
    fit_params : dict
        Metadata for the member's ``fit``.
    label : str
        How errors refer to the member, e.g. ``"member 'lr' (LogisticRegression)"``.
    progress : tuple of (str, str) or None
        ``(owner, message)``: if given, print ``[owner] ... message, total=``
        with the elapsed fitting time.

    Returns
    -------
    estimator : the fitted member.
    """
    start = time.perf_counter()
    try:
        estimator.fit(X, y, **fit_params)
    except TypeError as exc:
        if "sample_weight" in fit_params and "sample_weight" in str(exc):
            raise TypeError(
                f"{label} failed to fit: Underlying estimator "
                f"{type(estimator).__name__} does not support sample weights."
            ) from exc
        raise _rewrap(exc, label) from exc
    except Exception as exc:
        raise _rewrap(exc, label) from exc
    if progress:
        owner, message = progress
        seconds = time.perf_counter() - start
        start_text = f"[{owner}] "
        end_text = f"{message}, total={seconds:5.1f}s"
        dots = "." * max(1, 70 - len(start_text) - len(end_text))
        print(f"{start_text}{dots} {end_text}", flush=True)
    return estimator


def check_feature_names_in(estimator, input_features, generate_names=False):
    """Check ``input_features`` of ``get_feature_names_out`` against fit.

    With ``input_features=None`` return the names seen in fit, or (if
    ``generate_names``) ``x0, x1, ...``, or None.
    """
    if input_features is None:
        names_in = getattr(estimator, "feature_names_in_", None)
        if names_in is not None:
            return np.asarray(names_in, dtype=object)
        if generate_names:
            n_in = estimator.n_features_in_
            return np.asarray([f"x{i}" for i in range(n_in)], dtype=object)
        return None
    input_features = np.asarray(input_features, dtype=object)
    names_in = getattr(estimator, "feature_names_in_", None)
    if names_in is not None and not np.array_equal(names_in, input_features):
        raise ValueError("input_features is not equal to feature_names_in_")
    n_in = getattr(estimator, "n_features_in_", None)
    if n_in is not None and len(input_features) != n_in:
        raise ValueError(
            "input_features should have length equal to number of features "
            f"({n_in}), got {len(input_features)}"
        )
    return input_features


def member_label(name, estimator):
    """Human-readable reference to a member for error messages."""
    return f"member {name!r} ({type(estimator).__name__})"


class IndexableMembersMixin:
    """``len``, indexing and iteration over the fitted ``estimators_``.

    As scikit-learn's ensembles allow; for gradient boosting the members are
    the stages (rows of ``estimators_``) and ``model[i, k]`` is one tree.
    """

    def __len__(self):
        """Number of fitted members."""
        return len(self.estimators_)

    def __getitem__(self, index):
        """``estimators_[index]``: the ``index``-th fitted member."""
        return self.estimators_[index]

    def __iter__(self):
        """Iterate over the fitted members."""
        return iter(self.estimators_)


class FittedMembersMixin(IndexableMembersMixin):
    """Indexable fitted members plus scikit-learn's ``_make_estimator`` hook."""

    def _make_estimator(self, append=True, random_state=None):
        """A fresh clone of ``estimator_``, seeded from ``random_state`` if given.

        The name and signature are scikit-learn's ``BaseEnsemble`` hook, which
        code written against scikit-learn's ensembles calls to add members by
        hand; with ``append`` the clone joins ``estimators_``.
        """
        member = clone(self.estimator_)
        if random_state is not None:
            set_random_states(member, random_state)
        if append:
            self.estimators_.append(member)
        return member


class MemberListMixin:
    """``get_params``/``set_params`` for ensembles of named members.

    The ``estimators`` parameter is a list of ``(name, estimator)`` pairs;
    members are exposed as parameters under their names (``lr__C=...``) and
    can be replaced or set to ``"drop"`` through :meth:`set_params`.
    """

    def _member_pairs(self):
        # Invalid values are reported by fit, never by get/set_params.
        if not isinstance(self.estimators, (list, tuple)):
            return []
        return [
            pair
            for pair in self.estimators
            if isinstance(pair, (list, tuple)) and len(pair) == 2
        ]

    def _members_visual_block(self, dash_wrapped=True):
        """The members side by side in the HTML display (one box per member),
        as scikit-learn's ensembles of named members show them."""
        pairs = self._member_pairs()
        return _VisualBlock(
            "parallel",
            tuple(est for _, est in pairs),
            names=tuple(name for name, _ in pairs),
            dash_wrapped=dash_wrapped,
        )

    @property
    def named_estimators(self):
        """Members by name, as given (unfitted).

        Returns
        -------
        :class:`~sklearn.utils.Bunch`
        """
        return Bunch(**dict(self._member_pairs()))

    def get_params(self, deep=True):
        """Parameters of the ensemble and, if ``deep``, of each member.

        Parameters
        ----------
        deep : bool, default=True
            Also return the members (by name) and their parameters.

        Returns
        -------
        params : dict
        """
        params = super().get_params(deep=False)
        if not deep:
            return params
        pairs = self._member_pairs()
        params.update(pairs)
        for name, member in pairs:
            if hasattr(member, "get_params"):
                for key, value in member.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        """Set parameters of the ensemble, replace or drop members by name.

        Parameters
        ----------
        **params : dict
            ``estimators=[...]``, ``<name>=estimator or "drop"``,
            ``<name>__<param>=value`` or any constructor parameter.

        Returns
        -------
        self : object
        """
        if "estimators" in params:
            self.estimators = params.pop("estimators")
        names = {name for name, _ in self._member_pairs()}
        for key in [k for k in params if k in names]:
            replacement = params.pop(key)
            self.estimators = [
                (name, replacement if name == key else member)
                for name, member in self._member_pairs()
            ]
        super().set_params(**params)
        return self

    def _check_member_names(self, names):
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {list(names)!r}")
        clashing = set(names) & set(self.get_params(deep=False))
        if clashing:
            raise ValueError(
                "Estimator names conflict with constructor arguments: "
                f"{sorted(clashing)!r}"
            )
        with_dunder = [name for name in names if "__" in name]
        if with_dunder:
            raise ValueError(
                f"Estimator names must not contain __: got {with_dunder!r}"
            )

    def _active_members(self):
        """``(name, member)`` pairs of the members that are not dropped."""
        names, members = self._members()
        return [(n, m) for n, m in zip(names, members) if not _is_drop(m)]

    def _fit_member_clones(self, active, X, y, routed, progress_title=None):
        """Fit a clone of every active member in parallel (routed fit params)."""
        return Parallel(n_jobs=self.n_jobs)(
            delayed(fit_member)(
                clone(member),
                X,
                y,
                routed[name].get("fit", {}),
                label=member_label(name, member),
                progress=(
                    (progress_title, f"({i} of {len(active)}) Processing {name}")
                    if progress_title and self.verbose
                    else None
                ),
            )
            for i, (name, member) in enumerate(active, 1)
        )

    def _set_feature_names_from(self, fitted):
        """``feature_names_in_`` of the last member that saw column names."""
        names_in = [getattr(m, "feature_names_in_", None) for m in fitted]
        names_in = [n for n in names_in if n is not None]
        if names_in:
            self.feature_names_in_ = names_in[-1]
        elif "feature_names_in_" in vars(self):
            del self.feature_names_in_

    def _first_member_n_features_in(self, unfitted_message):
        """``n_features_in_`` of the first fitted member; unfitted: AttributeError."""
        try:
            check_is_fitted(self)
        except NotFittedError as exc:
            raise AttributeError(unfitted_message.format(type(self).__name__)) from exc
        return self.estimators_[0].n_features_in_

    def _route_fit_to_members(self, router):
        """Add a fit-to-fit route to every active member of ``router``."""
        for name, member in self._active_members():
            mapping = MethodMapping().add(caller="fit", callee="fit")
            router.add(**{name: member}, method_mapping=mapping)
        return router

    def _checked_members(self, default_members, kind_check=None, kind=""):
        """Validate ``estimators`` and return ``(names, members)``."""
        pairs = default_members() if self.estimators is None else self.estimators
        if len(pairs) == 0 or not all(
            isinstance(p, (tuple, list)) and len(p) == 2 and isinstance(p[0], str)
            for p in pairs
        ):
            raise ValueError(
                "Invalid 'estimators' attribute, 'estimators' should be a "
                "non-empty list of (string, estimator) tuples."
            )
        names, members = zip(*pairs)
        self._check_member_names(names)
        if all(_is_drop(m) for m in members):
            raise ValueError(
                "All estimators are dropped. At least one is required to be an "
                "estimator."
            )
        for member in members:
            if kind_check is not None and not _is_drop(member):
                if not kind_check(member):
                    raise ValueError(
                        f"The estimator {type(member).__name__} should be a {kind}."
                    )
        return list(names), list(members)


def member_input_tags(tags, get_members):
    """Accept NaN / sparse input only if every active member does."""
    from sklearn.utils import get_tags

    try:
        _, members = get_members()
    except Exception:  # invalid members: fit will report them
        return tags
    active = [m for m in members if not _is_drop(m)]
    tags.input_tags.allow_nan = all(get_tags(m).input_tags.allow_nan for m in active)
    tags.input_tags.sparse = all(get_tags(m).input_tags.sparse for m in active)
    return tags


def _is_drop(member):
    return isinstance(member, str) and member == "drop"


is_drop = _is_drop
