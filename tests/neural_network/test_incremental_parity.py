"""``partial_fit`` streams and ``warm_start`` refits follow scikit-learn's.

Training in pieces must continue exactly where scikit-learn's continues:
each case draws the settings (solver and rates for the MLPs; penalty, step,
shuffling, intercept, sample weights, sparse input for the Perceptron) from
its seed, feeds both libraries the same batches or the same growing data,
and compares the weights, ``t_``, ``n_iter_`` and, for the MLPs, the loss
curve after every piece.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import MLPClassifier, MLPRegressor, Perceptron


def _data(seed, n_classes):
    X, y = make_classification(
        300, 8, n_informative=3, n_redundant=0, n_classes=n_classes,
        n_clusters_per_class=1, flip_y=0.1, random_state=seed,
    )  # fmt: skip
    return StandardScaler().fit_transform(X), y


def _perceptron_params(rng, n_classes):
    params = {
        "eta0": float(rng.choice([1.0, 0.3])),
        "random_state": int(rng.integers(50)),
        "shuffle": bool(rng.random() < 0.5),
        "fit_intercept": bool(rng.random() < 0.8),
        # One problem per group: every class in scikit-learn's own order.
        "n_jobs": n_classes if n_classes > 2 else None,
    }
    if rng.random() < 0.5:
        params["penalty"] = "l2"
    return params


def _pieces(ours, theirs, mode, X, y, classes, weights=None):
    """Train both in four streamed batches or two growing warm-started fits."""
    if mode == "partial_fit":
        for rows in np.array_split(np.arange(X.shape[0]), 4):
            extra = {} if classes is None else {"classes": classes}
            if weights is not None:
                extra["sample_weight"] = weights[rows]
            ours.partial_fit(X[rows], y[rows], **extra)
            theirs.partial_fit(X[rows], y[rows], **extra)
            yield
    else:
        for stop in (X.shape[0] // 2, X.shape[0]):
            ours.fit(X[:stop], y[:stop])
            theirs.fit(X[:stop], y[:stop])
            yield


@pytest.mark.parametrize("mode", ["partial_fit", "warm_start"])
@pytest.mark.parametrize("seed", range(10))
def test_perceptron_pieces_follow_sklearn(seed, mode):
    rng = np.random.default_rng(seed)
    n_classes = int(rng.choice([2, 3]))
    X, y = _data(seed, n_classes)
    if rng.random() < 0.3:
        X = sp.csr_matrix(np.where(np.abs(X) < 0.5, 0.0, X))
    params = _perceptron_params(rng, n_classes)
    weights = rng.uniform(0.5, 2.0, X.shape[0]) if rng.random() < 0.3 else None
    if mode == "warm_start":
        params.update(warm_start=True, max_iter=int(rng.choice([3, 1000])))
    ours, theirs = Perceptron(**params), SkPerceptron(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in _pieces(ours, theirs, mode, X, y, np.arange(n_classes), weights):
            assert ours.t_ == theirs.t_
            assert ours.n_iter_ == theirs.n_iter_
            scale = max(1.0, float(np.abs(theirs.coef_).max()))
            assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-9 * scale)
            assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-9 * scale)


@pytest.mark.parametrize("mode", ["partial_fit", "warm_start"])
@pytest.mark.parametrize("seed", range(8))
def test_mlp_pieces_follow_sklearn(seed, mode):
    rng = np.random.default_rng(seed + 100)
    params = {
        "hidden_layer_sizes": (6, 3),
        "activation": str(rng.choice(["logistic", "tanh", "relu"])),
        "solver": str(rng.choice(["sgd", "adam"])),
        "batch_size": int(rng.choice([8, 200])),
        "learning_rate_init": 0.01,
        "max_iter": int(rng.choice([5, 40])),
        "random_state": int(rng.integers(50)),
    }
    X, y = _data(seed, 3)
    regression = rng.random() < 0.5
    if regression:
        y = X @ np.arange(X.shape[1]) / 10.0
        ours, theirs = MLPRegressor(**params), SkMLPRegressor(**params)
    else:
        ours, theirs = MLPClassifier(**params), SkMLPClassifier(**params)
    if mode == "warm_start":
        ours.set_params(warm_start=True)
        theirs.set_params(warm_start=True)
    classes = None if regression else np.arange(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Batches larger than a streamed piece are clipped; both libraries warn.
        warnings.filterwarnings("ignore", "Got `batch_size`", UserWarning)
        for _ in _pieces(ours, theirs, mode, X, y, classes):
            assert ours.t_ == theirs.t_
            assert ours.n_iter_ == theirs.n_iter_
            assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
            for mine, ref in zip(
                ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
            ):
                assert_allclose(mine, ref, rtol=1e-9, atol=1e-9)
