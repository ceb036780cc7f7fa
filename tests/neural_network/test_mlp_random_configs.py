"""The MLPs against scikit-learn's on randomly drawn settings.

The fixed parity tests pin one setting at a time.  Here each case draws
every training parameter scikit-learn's MLPs share with ours (solver,
activation, batch size, the three learning-rate schedules, momentum with and
without Nesterov, Adam's betas and epsilon, ``tol``, ``n_iter_no_change``,
early stopping and its validation share, ``max_fun``, the L2 penalty,
shuffling) and a data set (binary, multiclass or multilabel classification;
single- or multi-output regression) from its seed.  Every case must give
scikit-learn's weights, iteration count, loss curve and validation scores:
the same model, not just a similar one.  Runs are kept short (at most ten
epochs or L-BFGS iterations): the two libraries sum in different orders, and
some settings (a large Adam step with ``beta_2=0.9``, L-BFGS on relu units)
amplify those last-bit differences exponentially over longer runs.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import MLPClassifier, MLPRegressor

_SPACE = {
    "hidden_layer_sizes": [(5,), (8, 4)],
    "activation": ["identity", "logistic", "tanh", "relu"],
    "solver": ["sgd", "adam", "lbfgs"],
    "alpha": [0.0, 1e-4, 0.1],
    "batch_size": ["auto", 7, 32],
    "learning_rate": ["constant", "invscaling", "adaptive"],
    "learning_rate_init": [0.001, 0.01, 0.1],
    "power_t": [0.5, 0.25],
    "max_iter": [4, 10],
    "shuffle": [True, False],
    "tol": [1e-4, 0.0, 1e-2],
    "momentum": [0.9, 0.5],
    "nesterovs_momentum": [True, False],
    "early_stopping": [False, True],
    "validation_fraction": [0.1, 0.2],
    "beta_1": [0.9, 0.5],
    "beta_2": [0.999, 0.9],
    "epsilon": [1e-8, 1e-4],
    "n_iter_no_change": [10, 2],
    "max_fun": [15000, 20],
}
_TASKS = ["binary", "multiclass", "multilabel", "regression", "multi-output"]


def _params(rng):
    params = {name: values[rng.randint(len(values))] for name, values in _SPACE.items()}
    params["random_state"] = int(rng.randint(100))
    return params


def _data(task, seed):
    if task in ("binary", "multiclass"):
        n_classes = 2 if task == "binary" else 3
        X, y = make_classification(
            120, 6, n_informative=4, n_classes=n_classes, random_state=seed
        )
    elif task == "multilabel":
        X, y = make_multilabel_classification(120, 6, n_classes=3, random_state=seed)
    else:
        n_targets = 1 if task == "regression" else 2
        X, y = make_regression(
            120, 6, n_targets=n_targets, noise=1.0, random_state=seed
        )
        y = y / y.std()
    return StandardScaler().fit_transform(X), y


def _check_diverged(ours, params, X, y):
    """scikit-learn ended with NaN weights and no error; ours must not.

    With a validation split ours keeps the best validated epoch and warns;
    without one, or when the first epoch already diverges (no epoch was
    validated), it raises, naming the epoch where the loss stopped being
    finite.
    """
    if params["early_stopping"] and params["solver"] != "lbfgs":
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                ours.fit(X, y)
            except ValueError as error:
                assert "non-finite" in str(error) and "epoch 1," in str(error)
                return
        assert any("best validation epoch" in str(w.message) for w in caught)
        assert all(np.isfinite(c).all() for c in ours.coefs_ + ours.intercepts_)
    else:
        with pytest.raises(ValueError, match="non-finite"):
            ours.fit(X, y)


@pytest.mark.parametrize("task", _TASKS)
@pytest.mark.parametrize("seed", range(12))
def test_random_settings_give_sklearns_model(seed, task):
    rng = np.random.RandomState(seed + 1000 * _TASKS.index(task))
    params = _params(rng)
    X, y = _data(task, seed)
    regression = task in ("regression", "multi-output")
    ours_cls, ref_cls = (
        (MLPRegressor, SkMLPRegressor)
        if regression
        else (MLPClassifier, SkMLPClassifier)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            theirs = ref_cls(**params).fit(X, y)
        except ValueError:
            # A diverging setting: scikit-learn refuses it, so must we.
            with pytest.raises(ValueError, match="non-finite"):
                ours_cls(**params).fit(X, y)
            return
        if not np.isfinite(theirs.loss_):
            _check_diverged(ours_cls(**params), params, X, y)
            return
        ours = ours_cls(**params).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_, params
    assert ours.t_ == theirs.t_, params
    # L-BFGS's line search turns last-bit differences into small but real
    # differences of its steps (more on relu's kinks): a looser tolerance.
    rtol = 1e-4 if params["solver"] == "lbfgs" else 1e-7
    for mine, ref in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
    ):
        assert_allclose(mine, ref, rtol=rtol, atol=rtol, err_msg=str(params))
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=rtol)
    if params["solver"] == "lbfgs":
        # scikit-learn keeps no curve for L-BFGS; ours ends at the final loss.
        assert ours.loss_curve_[-1] == pytest.approx(theirs.loss_, rel=rtol)
    else:
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=rtol)
    if params["early_stopping"] and params["solver"] != "lbfgs":
        assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=rtol)
        assert ours.best_validation_score_ == pytest.approx(
            theirs.best_validation_score_, rel=rtol
        )
    if regression:
        assert_allclose(ours.predict(X), theirs.predict(X), rtol=rtol, atol=rtol)
    else:
        assert_array_equal(ours.predict(X), theirs.predict(X))
