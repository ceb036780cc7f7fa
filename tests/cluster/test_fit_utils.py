"""A failed fit leaves a previously fitted clusterer untouched."""

import numpy as np
import pytest

from skdeep.cluster import DBSCAN, KMeans, MiniBatchKMeans


@pytest.mark.parametrize(
    "estimator, method",
    [
        (KMeans(3, n_init=1, random_state=0), "fit"),
        (MiniBatchKMeans(3, random_state=0), "fit"),
        (MiniBatchKMeans(3, random_state=0), "partial_fit"),
        (DBSCAN(metric="precomputed"), "fit"),
    ],
)
def test_failed_fit_restores_every_attribute(estimator, method):
    rng = np.random.RandomState(0)
    X = rng.rand(30, 30)
    if isinstance(estimator, DBSCAN):
        X = (X + X.T) / 2
        np.fill_diagonal(X, 0)
        bad = np.zeros((2, 3))  # not square: rejected after validate_data ran
    else:
        bad = rng.rand(2, 4)  # too few samples (fit) or features (partial_fit)
    getattr(estimator, method)(X)
    before = dict(estimator.__dict__)
    with pytest.raises(ValueError):
        getattr(estimator, method)(bad)
    assert estimator.__dict__.keys() == before.keys()
    for name, value in before.items():
        assert estimator.__dict__[name] is value, name
