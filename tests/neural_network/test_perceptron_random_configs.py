"""Perceptron against scikit-learn's on randomly drawn settings and data.

The fixed parity tests use a few well-behaved data sets.  Here each case
draws its data (separable, overlapping or pure-noise labels; scaled by 30
or shifted; narrow or wide; some entries zeroed, wide data always as CSR)
and its parameters (penalties, ``eta0``, class and sample weights, no
intercept, no shuffling, fixed epoch counts) from its seed.  These are the
settings that send the kernel down its rarer paths: wandering fixed-point
rounds on unscaled data, the margin scan under L2 shrinkage and fractional
steps, the intercept path of sparse rows, the guarded rounds.  With one
problem per ``n_jobs`` group, multiclass fits follow scikit-learn's
per-class orders too, so every case must give scikit-learn's weights,
intercepts and epoch counts; with the problems in shared windows, the first
problem must still be scikit-learn's.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_blobs, make_classification
from sklearn.linear_model import Perceptron as SkPerceptron

from skdeep.neural_network import Perceptron

_SEEDS = range(24)


def _data(rng, n_classes):
    n = int(rng.choice([60, 250, 800]))
    d = int(rng.choice([3, 8, 30, 400]))
    seed = int(rng.randint(1000))
    kind = rng.choice(["overlapping", "blobs", "noise"])
    if kind == "overlapping":
        X, y = make_classification(
            n, d, n_informative=3, n_redundant=0, n_classes=n_classes,
            n_clusters_per_class=1, random_state=seed,
        )  # fmt: skip
    elif kind == "blobs":
        X, y = make_blobs(n, d, centers=n_classes, random_state=seed)
    else:
        X, y = rng.randn(n, d), rng.randint(n_classes, size=n)
    X = X * rng.choice([1.0, 30.0]) + rng.choice([0.0, 5.0])
    if d > 100 or rng.rand() < 0.3:  # wide data stays sparse in the kernel
        X[rng.rand(*X.shape) < (0.97 if d > 100 else 0.6)] = 0.0
        X = sp.csr_matrix(X)
    return X, y


def _params(rng):
    params = {"random_state": int(rng.randint(1000))}
    options = [
        {"penalty": "l2", "alpha": float(rng.choice([1e-4, 1e-3]))},
        {"eta0": float(rng.choice([0.1, 0.5, 2.0]))},
        {"class_weight": "balanced"},
        {"fit_intercept": False},
        {"shuffle": False},
        {"tol": None, "max_iter": int(rng.choice([3, 10]))},
    ]
    for option, chance in zip(options, [0.3, 0.3, 0.2, 0.15, 0.15, 0.2]):
        if rng.rand() < chance:
            params.update(option)
    return params


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("seed", _SEEDS)
def test_random_settings_give_sklearns_model(seed, n_classes):
    rng = np.random.RandomState(seed + 100 * n_classes)
    X, y = _data(rng, n_classes)
    params = _params(rng)
    sample_weight = rng.rand(X.shape[0]) * 2 if rng.rand() < 0.2 else None
    # One problem per group: every one-vs-all problem in scikit-learn's order.
    ours = Perceptron(n_jobs=n_classes, **params)
    ours.fit(X, y, sample_weight=sample_weight)
    theirs = SkPerceptron(**params).fit(X, y, sample_weight=sample_weight)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    scale = max(1.0, float(np.abs(theirs.coef_).max()))
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-9 * scale)
    np.testing.assert_allclose(
        ours.intercept_, theirs.intercept_, rtol=1e-9, atol=1e-9 * scale
    )
    if n_classes > 2:
        # All problems in shared windows, in the order scikit-learn gives
        # the first one: that problem is still scikit-learn's exactly.
        shared = Perceptron(**params).fit(X, y, sample_weight=sample_weight)
        np.testing.assert_allclose(
            shared.coef_[0], theirs.coef_[0], rtol=1e-9, atol=1e-9 * scale
        )
        assert shared.intercept_[0] == pytest.approx(theirs.intercept_[0], abs=1e-9)
