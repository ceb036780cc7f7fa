"""skdeep's MLP extensions: dropout, batch norm, MC dropout, class weights,
losses, optimizers, schedules, initialisers, penalties and constraints."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification
from sklearn.metrics import mean_squared_error, recall_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from skdeep.neural_network import MLPClassifier, MLPRegressor
from skdeep.nn import Constant

from .._versions import since_sklearn

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def small():
    X, y = make_classification(
        n_samples=80, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X, y


def _noisy_sine(rng, n):
    X = rng.uniform(-2, 2, size=(n, 5))
    return X, np.sin(X[:, 0]) + 0.5 * rng.normal(size=n)


def test_dropout_shrinks_the_generalisation_gap():
    rng = np.random.default_rng(0)
    (X_train, y_train), (X_test, y_test) = _noisy_sine(rng, 60), _noisy_sine(rng, 400)
    gaps, test_errors = {}, {}
    for rate in (0.0, 0.5):
        model = MLPRegressor(
            hidden_layer_sizes=(128, 128),
            dropout=rate,
            alpha=0.0,
            max_iter=200,
            learning_rate_init=0.003,
            tol=0.0,
            random_state=0,
        ).fit(X_train, y_train)
        train_error = mean_squared_error(y_train, model.predict(X_train))
        test_errors[rate] = mean_squared_error(y_test, model.predict(X_test))
        gaps[rate] = test_errors[rate] - train_error
    assert gaps[0.5] < 0.5 * gaps[0.0]
    assert test_errors[0.5] < test_errors[0.0]


def test_batch_norm_trains_a_deep_sigmoid_network():
    X, y = make_classification(
        n_samples=300, n_features=10, n_informative=6, n_classes=3, random_state=0
    )
    scores = {}
    for batch_norm in (False, True):
        model = MLPClassifier(
            hidden_layer_sizes=(32,) * 8,
            activation="logistic",
            batch_normalization=batch_norm,
            solver="sgd",
            momentum=0.0,
            learning_rate_init=0.1,
            max_iter=30,
            tol=0.0,
            random_state=0,
        ).fit(X, y)
        scores[batch_norm] = model.score(X, y)
    assert scores[False] < 0.45  # the plain deep sigmoid net stalls near chance
    assert scores[True] > 0.6


def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(
        n_samples=600,
        n_features=8,
        weights=[0.93],
        class_sep=0.6,
        flip_y=0.02,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    recalls = {}
    for class_weight in (None, "balanced"):
        model = MLPClassifier(
            hidden_layer_sizes=(16,),
            class_weight=class_weight,
            max_iter=200,
            random_state=0,
        ).fit(X_train, y_train)
        recalls[class_weight] = recall_score(y_test, model.predict(X_test))
    assert recalls["balanced"] >= recalls[None] + 0.15


def test_class_weight_dict_multiplies_sample_weight(small):
    X, y = small
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=20, random_state=0)
    weights = np.linspace(0.5, 2.0, len(y))
    by_class = MLPClassifier(class_weight={0: 3.0, 1: 1.0, 2: 0.5}, **params)
    by_class.fit(X, y, sample_weight=weights)
    combined = weights * np.array([3.0, 1.0, 0.5])[y]
    by_sample = MLPClassifier(**params).fit(X, y, sample_weight=combined)
    assert_allclose(by_class.predict_proba(X), by_sample.predict_proba(X), rtol=1e-8)
    # partial_fit balances each batch on its own (weighted class counts)
    batch = slice(0, 30)
    streamed = MLPClassifier(
        class_weight="balanced", hidden_layer_sizes=(4,), solver="sgd", random_state=0
    )
    reference = MLPClassifier(hidden_layer_sizes=(4,), solver="sgd", random_state=0)
    counts = np.bincount(y[batch], minlength=3)
    balanced = (30 / (3 * counts))[y[batch]]
    streamed.partial_fit(X[batch], y[batch], classes=[0, 1, 2])
    reference.partial_fit(X[batch], y[batch], classes=[0, 1, 2], sample_weight=balanced)
    assert_allclose(streamed.coefs_[0], reference.coefs_[0], rtol=1e-10)


def test_mc_dropout_uncertainty_grows_away_from_the_data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 1))
    y = np.sin(3 * X[:, 0]) + 0.1 * rng.normal(size=200)
    model = MLPRegressor(
        hidden_layer_sizes=(64, 64),
        dropout=0.2,
        max_iter=150,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    grid = np.array([[0.0], [0.5], [4.0], [6.0]])
    mean, std = model.predict(grid, return_std=True)
    assert mean.shape == std.shape == (4,)
    assert std[2:].min() > 3 * std[:2].max()
    # reproducible with an int random_state, and predict is not mutated
    assert_allclose(model.predict(grid, return_std=True)[1], std)
    assert_allclose(model.predict(grid), model.predict(grid))


def test_mc_samples_average_classifier_probabilities(small):
    X, y = small
    model = MLPClassifier(
        hidden_layer_sizes=(16,), dropout=0.5, max_iter=30, random_state=0
    ).fit(X, y)
    deterministic = model.predict_proba(X)
    model.set_params(mc_samples=30)
    averaged = model.predict_proba(X)
    assert_allclose(averaged.sum(axis=1), 1.0)
    assert not np.allclose(averaged, deterministic)
    assert_allclose(model.predict_proba(X), averaged)  # seeded by random_state
    assert np.mean(model.predict(X) == averaged.argmax(1)) == 1.0


def test_regression_losses():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 1))
    y_clean = 2 * X[:, 0]
    y = y_clean.copy()
    y[::10] += 30.0  # 10% gross outliers
    errors = {}
    for loss in ("squared_error", "absolute_error", "huber"):
        model = MLPRegressor(
            loss=loss,
            hidden_layer_sizes=(8,),
            activation="identity",
            solver="sgd",
            learning_rate_init=0.05,
            max_iter=300,
            random_state=0,
        ).fit(X, y)
        errors[loss] = mean_squared_error(y_clean, model.predict(X))
    assert errors["absolute_error"] < 0.1 * errors["squared_error"]
    assert errors["huber"] < 0.1 * errors["squared_error"]


@since_sklearn("1.7", "MLPRegressor gained the Poisson loss")
def test_poisson_loss_matches_sklearn():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(100, 2))
    y = rng.poisson(np.exp(X @ [1.0, -0.5] + 0.5))
    params = dict(
        loss="poisson",
        hidden_layer_sizes=(4,),
        solver="lbfgs",
        max_iter=50,
        random_state=0,
    )
    ours, ref = MLPRegressor(**params).fit(X, y), SkMLPRegressor(**params).fit(X, y)
    assert ours.out_activation_ == "exp"
    assert ours.loss_ == pytest.approx(ref.loss_, rel=1e-6)
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-5)


@pytest.mark.parametrize(
    "solver",
    [
        "sgd",
        "adam",
        "adagrad",
        "adadelta",
        "rmsprop",
        "adamax",
        "nadam",
        "adamw",
    ],
)
def test_every_optimizer_trains(solver, small):
    X, y = small
    learning_rate_init = 1.0 if solver == "adadelta" else 0.01
    model = MLPClassifier(
        hidden_layer_sizes=(16,),
        solver=solver,
        max_iter=40,
        learning_rate_init=learning_rate_init,
        random_state=0,
    )
    model.fit(X, y)
    assert model.loss_curve_[-1] < 0.9 * model.loss_curve_[0]


def test_schedules_and_their_parameters(small):
    X, y = small
    common = dict(
        hidden_layer_sizes=(4,),
        solver="sgd",
        max_iter=5,
        tol=0.0,
        learning_rate_init=0.1,
        random_state=0,
    )
    exp = MLPClassifier(
        learning_rate="exponential", learning_rate_params={"decay_rate": 0.5}, **common
    ).fit(X, y)
    assert_allclose(exp.history_.learning_rate, 0.1 * 0.5 ** np.arange(5))
    steps = MLPClassifier(
        learning_rate="piecewise",
        learning_rate_params={"boundaries": [2], "values": [0.1, 0.01]},
        **common,
    ).fit(X, y)
    assert_allclose(steps.history_.learning_rate, [0.1, 0.1, 0.01, 0.01, 0.01])
    constant = MLPClassifier(learning_rate=Constant(0.05), **common).fit(X, y)
    assert_allclose(constant.history_.learning_rate, 0.05)
    inv = MLPClassifier(learning_rate="invscaling", power_t=0.5, **common).fit(X, y)
    expected = [0.1] + [0.1 / (len(X) * k + 1) ** 0.5 for k in range(1, 5)]
    assert_allclose(inv.history_.learning_rate, expected)
    # As in sklearn, Adam ignores sklearn's own schedule names
    adam = MLPClassifier(**{**common, "solver": "adam"}, learning_rate="invscaling")
    assert_allclose(adam.fit(X, y).history_.learning_rate, 0.1)


def test_activation_given_as_function_pair_equals_the_named_one(small):
    X, y = small
    pair = (np.tanh, lambda x, out: 1.0 - out**2)
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=30, random_state=0)
    named = MLPClassifier(activation="tanh", **params).fit(X, y)
    custom = MLPClassifier(activation=pair, **params).fit(X, y)
    assert_allclose(custom.predict_proba(X), named.predict_proba(X), rtol=1e-10)


@pytest.mark.parametrize("activation", ["leaky_relu", "elu", "selu", "gelu", "swish"])
def test_registry_activations_learn(activation, small):
    X, y = small
    model = MLPClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        solver="lbfgs",
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    assert model.score(X, y) > 0.9


def test_weight_init(small):
    X, y = small
    model = MLPClassifier(
        hidden_layer_sizes=(400,), weight_init="he_normal", max_iter=1, random_state=0
    ).fit(X, y)
    first = MLPClassifier(
        hidden_layer_sizes=(400,),
        weight_init="he_normal",
        max_iter=1,
        learning_rate_init=1e-12,
        random_state=0,
    )
    first.fit(X, y)
    assert first.coefs_[0].std() == pytest.approx(np.sqrt(2 / 6), rel=0.1)
    assert np.abs(first.intercepts_[0]).max() < 1e-9
    default = MLPClassifier(
        hidden_layer_sizes=(400,), max_iter=1, learning_rate_init=1e-12, random_state=0
    ).fit(X, y)
    bound = np.sqrt(6 / (6 + 400))
    assert np.abs(default.coefs_[0]).max() <= bound
    assert np.abs(default.coefs_[0]).max() > 0.95 * bound
    assert model.coefs_[0].shape == (6, 400)


def test_l1_max_norm_and_clipping(small):
    X, y = small
    common = dict(hidden_layer_sizes=(32,), max_iter=100, random_state=0)
    plain = MLPClassifier(**common).fit(X, y)
    sparse = MLPClassifier(l1=2.0, **common).fit(X, y)
    small_share = lambda m: np.mean(np.abs(m.coefs_[0]) < 1e-2)  # noqa: E731
    assert small_share(sparse) > small_share(plain) + 0.1
    capped = MLPClassifier(max_norm=0.5, **common).fit(X, y)
    for kernel in capped.coefs_:
        assert np.linalg.norm(kernel, axis=0).max() <= 0.5 + 1e-9
    wild = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        learning_rate_init=50.0,
        max_iter=20,
        random_state=0,
    )
    with pytest.raises(ValueError, match="non-finite"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            MLPRegressor(**wild).fit(X, 100 * y)
    clipped = MLPRegressor(clipnorm=1.0, **wild).fit(X, 100 * y)
    assert np.isfinite(clipped.loss_)
    clipped_value = MLPRegressor(clipvalue=0.01, **wild).fit(X, 100 * y)
    assert np.isfinite(clipped_value.loss_)


def test_history_records_validation_loss_and_score(small):
    X, y = small
    model = MLPClassifier(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        max_iter=15,
        validation_fraction=0.25,
        random_state=0,
    ).fit(X, y)
    history = model.history_
    assert len(history.loss) == len(history.val_loss) == model.n_iter_
    assert history.val_score == model.validation_scores_
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    assert all(s >= 0 for s in history.seconds)


def test_dropout_per_hidden_layer(small):
    from skdeep.nn import Dropout

    X, y = small
    model = MLPClassifier(hidden_layer_sizes=(8, 8), dropout=[0.0, 0.4], max_iter=2)
    model.fit(X, y)
    rates = [
        layer.rate for layer in model._network.layers if isinstance(layer, Dropout)
    ]
    assert rates == [0.4]
    assert model.transform(X).shape == (len(X), 8)


def test_lbfgs_records_its_loss_curve(small):
    X, y = small
    model = MLPClassifier(
        hidden_layer_sizes=(5,), solver="lbfgs", max_iter=30, random_state=0
    ).fit(X, y)
    assert len(model.loss_curve_) == model.n_iter_ == len(model.history_.loss)
    assert model.loss_curve_[-1] == pytest.approx(model.loss_)
    assert model.t_ == 0 and model.validation_scores_ is None
