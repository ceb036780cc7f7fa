"""Fixtures shared by the neural-network tests."""

import pytest
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="module")
def small_classification():
    X, y = make_classification(
        n_samples=120, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y
