"""The MLPs train exactly as scikit-learn's: the same loss curves, iteration
counts and predictions from the same seed, configuration by configuration."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import (
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from skdeep.neural_network import MLPClassifier, MLPRegressor


def _fit_both(ours_cls, ref_cls, params, X, y):
    """Fit skdeep's and scikit-learn's class alike, convergence warnings off."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ours_cls(**params).fit(X, y), ref_cls(**params).fit(X, y)


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_lbfgs_matches_sklearn_exactly(activation, small_classification):
    # Same initial draw, same objective and scipy's optimizer: same solution.
    X, y = small_classification
    params = dict(
        hidden_layer_sizes=(7,),
        solver="lbfgs",
        activation=activation,
        max_iter=40,
        random_state=3,
        alpha=1e-3,
    )
    ours, ref = _fit_both(MLPClassifier, SkMLPClassifier, params, X, y)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.loss_ == pytest.approx(ref.loss_, rel=1e-8)
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_):
        assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-6)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(("n_targets", "alpha"), [(1, 1e-4), (3, 1e-4), (3, 2.0)])
def test_full_batch_stochastic_solvers_match_sklearn(solver, n_targets, alpha):
    # With one batch per epoch shuffling only permutes a sum: the trajectories
    # of sklearn and skdeep agree to rounding, loss curve included.  With
    # several outputs scikit-learn's gradient sums the squared error over
    # them while the loss averages (SquaredError(output_gradient="sum")):
    # SGD's steps and the weight of alpha depend on it.
    X, y = make_regression(
        n_samples=60, n_features=5, n_targets=n_targets, noise=1.0, random_state=1
    )
    y = y / y.std()
    params = dict(
        hidden_layer_sizes=(6, 4),
        solver=solver,
        max_iter=25,
        random_state=0,
        learning_rate_init=0.01,
        tol=0.0,
        alpha=alpha,
    )
    ours, ref = _fit_both(MLPRegressor, SkMLPRegressor, params, X, y)
    assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-9)
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8, atol=1e-10)
    assert ours.t_ == ref.t_ == 25 * 60


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_shuffled_mini_batches_match_sklearn(solver, kind, early_stopping):
    # The weights, the validation split and every epoch's shuffle come from
    # one RandomState drawn as scikit-learn draws it: same batches, same
    # trajectory, with the default shuffle=True.
    if kind == "classifier":
        X, y = make_classification(
            n_samples=90, n_features=5, n_classes=3, n_informative=3, random_state=0
        )
        ours_cls, ref_cls = MLPClassifier, SkMLPClassifier
    else:
        X, y = make_regression(n_samples=90, n_features=5, noise=1.0, random_state=0)
        y = y / y.std()
        ours_cls, ref_cls = MLPRegressor, SkMLPRegressor
    params = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        batch_size=16,
        max_iter=15,
        learning_rate_init=0.01,
        early_stopping=early_stopping,
        random_state=4,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours, ref = ours_cls(**params).fit(X, y), ref_cls(**params).fit(X, y)
        assert ours.n_iter_ == ref.n_iter_
        assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-9)
        assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8, atol=1e-10)
        if early_stopping:
            assert_allclose(ours.validation_scores_, ref.validation_scores_)
            return
        # warm_start and partial_fit draw their shuffles afresh per call, too
        for model in (ours, ref):
            model.set_params(warm_start=True, max_iter=3).fit(X, y)
            model.partial_fit(X, y)
            model.partial_fit(X[:50], y[:50])
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saturated_classifier_loss_curve_matches_sklearn(dtype):
    # Unscaled inputs saturate the softmax: scikit-learn's reported loss
    # clips each probability at eps, and so does ours (the exact log loss
    # was 1.5x larger here in float64, 3x in float32).
    X, y = make_classification(
        n_samples=60, n_features=5, n_informative=3, n_classes=3, random_state=1
    )
    X = (30 * X).astype(dtype)
    params = dict(
        hidden_layer_sizes=(6, 4),
        solver="sgd",
        activation="identity",
        max_iter=20,
        batch_size=60,
        learning_rate_init=0.01,
        tol=0.0,
        random_state=0,
    )
    ours, ref = _fit_both(MLPClassifier, SkMLPClassifier, params, X, y)
    assert max(ref.loss_curve_) > 7  # saturated indeed
    rtol = 1e-9 if dtype == np.float64 else 1e-3
    assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=rtol)


def test_multi_output_lbfgs_matches_sklearn_exactly():
    # scikit-learn hands L-BFGS the output-averaged loss with the
    # output-summed gradient; the same pair gives the same iterates.
    X, Y = make_regression(n_samples=80, n_features=6, n_targets=3, random_state=0)
    Y = Y / Y.std()
    params = dict(hidden_layer_sizes=(7,), solver="lbfgs", max_iter=30, alpha=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPRegressor(random_state=2, **params).fit(X, Y)
        ref = SkMLPRegressor(random_state=2, **params).fit(X, Y)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.loss_ == pytest.approx(ref.loss_, rel=1e-8)
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu"])
def test_loss_grad_lbfgs_hook_matches_sklearn_and_finite_differences(activation):
    # scikit-learn's private ``_loss_grad_lbfgs(packed, X, Y, sample_weight)``
    # (its own tests call it): the same objective value as scikit-learn's at
    # the same packed coefficients, and a gradient that finite differences
    # confirm.
    rng = np.random.RandomState(0)
    X = rng.rand(7, 4)
    y = np.array([0, 1, 2, 0, 1, 2, 1])
    Y = np.eye(3)[y]
    params = dict(
        hidden_layer_sizes=(5,),
        activation=activation,
        solver="lbfgs",
        alpha=1e-2,
        max_iter=1,
        random_state=0,
    )
    ours, ref = _fit_both(MLPClassifier, SkMLPClassifier, params, X, y)
    theta = np.concatenate([p.ravel() for p in ours.coefs_ + ours.intercepts_])
    value, grad = ours._loss_grad_lbfgs(theta, X, Y)
    units = [4, 5, 3]
    buffers = (
        [X] + [np.empty((7, u)) for u in units[1:]],
        [np.empty((7, u)) for u in units[1:]],
        [np.empty((a, b)) for a, b in zip(units, units[1:])],
        [np.empty(b) for b in units[1:]],
    )
    ref_value, ref_grad = ref._loss_grad_lbfgs(theta, X, Y, None, *buffers)
    assert value == pytest.approx(ref_value, rel=1e-12)
    assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-12)
    eps = 1e-6
    numeric = np.array(
        [
            (
                ours._loss_grad_lbfgs(theta + eps * e, X, Y)[0]
                - ours._loss_grad_lbfgs(theta - eps * e, X, Y)[0]
            )
            / (2 * eps)
            for e in np.eye(theta.size)
        ]
    )
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    # the hook works on a copy: the fitted model is untouched
    assert_allclose(ours.coefs_[0].ravel(), theta[:20])
