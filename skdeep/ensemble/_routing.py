"""Metadata routing for the meta-estimators of :mod:`skdeep.ensemble`.

Whether routing is on, scikit-learn's errors for metadata that cannot be
routed, and the ``{child: {method: metadata}}`` mapping given to members.
"""

from __future__ import annotations

from sklearn import get_config
from sklearn.utils.metadata_routing import process_routing


def routing_enabled():
    """Whether scikit-learn's metadata routing is switched on."""
    return bool(get_config().get("enable_metadata_routing", False))


def raise_for_params(params, owner, method, allow=()):
    """Refuse extra metadata when routing is off (as scikit-learn does)."""
    if params and not routing_enabled() and set(params) - set(allow):
        raise ValueError(
            f"Passing extra keyword arguments to {type(owner).__name__}.{method} "
            "is only supported if enable_metadata_routing=True, which you can set "
            "using `sklearn.set_config`. See the User Guide "
            "<https://scikit-learn.org/stable/metadata_routing.html> for more "
            f"details. Extra parameters passed are: {set(params)}"
        )


def raise_for_unsupported_routing(owner, method, **params):
    """Refuse metadata when routing is on but ``owner`` does not route it."""
    given = {k for k, v in params.items() if v is not None}
    if routing_enabled() and given:
        name = type(owner).__name__
        raise NotImplementedError(
            f"{name}.{method} cannot accept given metadata ({given}) since "
            f"metadata routing is not yet implemented for {name}."
        )


def route_params(owner, method, children, params):
    """Return ``{child: {callee_method: metadata}}`` for ``owner.method``.

    With routing enabled, scikit-learn's public :func:`process_routing` decides
    (it checks every member's requests).  Without it, only ``sample_weight``
    is forwarded, to every child's ``fit``: the historical behaviour.
    """
    if routing_enabled() and params:
        routed = process_routing(owner, method, **params)
        return {
            child: {m: dict(v) for m, v in routed[child].items()} for child in children
        }
    forwarded = {}
    if method == "fit" and "sample_weight" in params:
        forwarded = {"sample_weight": params["sample_weight"]}
    return {child: {"fit": dict(forwarded)} for child in children}
