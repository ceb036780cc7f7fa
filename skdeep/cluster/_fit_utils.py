"""Helpers keeping estimators consistent when fitting fails."""

from __future__ import annotations

import functools


def restore_state_on_error(method):
    """Undo every attribute change made by ``method`` if it raises.

    ``validate_data`` sets ``n_features_in_`` and ``feature_names_in_`` before
    the data are fully checked; restoring the instance dictionary keeps a
    previously fitted model intact after a failed ``fit`` or ``partial_fit``.
    Fitted arrays are never modified in place, so a shallow copy suffices.
    """

    @functools.wraps(method)
    def wrapper(estimator, *args, **kwargs):
        saved = dict(estimator.__dict__)
        try:
            return method(estimator, *args, **kwargs)
        except BaseException:
            estimator.__dict__.clear()
            estimator.__dict__.update(saved)
            raise

    return wrapper
