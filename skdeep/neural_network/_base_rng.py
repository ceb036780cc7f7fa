"""The dropout Generator of a network estimator."""

from __future__ import annotations

import numpy as np


def _generator_from(random_state):
    """A Generator seeded from a RandomState's state *without* consuming it.

    Weight initialisation, the validation split and the shuffling draw from
    the RandomState exactly as scikit-learn does; dropout (which scikit-learn
    lacks) uses this independent, equally reproducible Generator.
    """
    _, key, pos, *_ = random_state.get_state()
    # The same entropy words as the list ``[*key, pos]`` (each value fits one
    # 32-bit word), hashed 35x faster than a list of Python ints.
    return np.random.default_rng(np.append(key, pos).astype(np.uint32))
