"""Tests of skdeep.neural_network.Perceptron and its exact vectorised kernel."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_blobs, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import Perceptron
from skdeep.neural_network import _perceptron_kernel as kernel

from .._versions import since_sklearn

L2_STEPS = since_sklearn("1.8", "the Perceptron's L2 steps changed")


def reference_perceptron(
    X, y_sign, step, *, epochs, shrink=1.0, fit_intercept=True, with_loss=False
):
    """Textbook per-sample perceptron (scikit-learn's update order), in Python."""
    w = np.zeros(X.shape[1])
    b = loss = 0.0
    for _ in range(epochs):
        for x_i, y_i, s_i in zip(X, y_sign, step):
            margin = y_i * (w @ x_i + b)
            loss += max(0.0, -margin)
            w *= shrink
            if margin <= 0:
                w += s_i * x_i
                b += s_i if fit_intercept else 0.0
    return (w, b, loss) if with_loss else (w, b)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    order = np.random.default_rng(12).permutation(len(y))
    return X[order], y[order]


@pytest.fixture(scope="module")
def small():
    X, y = make_classification(
        120, 6, n_informative=4, n_classes=3, random_state=1, n_clusters_per_class=1
    )
    return X, y


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("penalty", [None, "l2"])
@pytest.mark.parametrize("weighted", [False, True])
def test_equals_reference_per_sample_perceptron(small, n_classes, penalty, weighted):
    X, y = small
    mask = y < n_classes
    X, y = X[mask], y[mask]
    rng = np.random.default_rng(0)
    sample_weight = rng.uniform(0.2, 2.0, y.shape[0]) if weighted else None
    class_weight = {0: 1.5, 1: 0.5, 2: 2.0} if weighted else None
    alpha, eta0 = 0.05, 0.7
    clf = Perceptron(
        shuffle=False,
        tol=None,
        max_iter=3,
        penalty=penalty,
        alpha=alpha,
        eta0=eta0,
        class_weight=class_weight,
    )
    clf.fit(X, y, sample_weight=sample_weight)
    shrink = 1.0 - eta0 * alpha if penalty == "l2" else 1.0
    sw = np.ones(y.shape[0]) if sample_weight is None else sample_weight
    positives = [1] if n_classes == 2 else range(n_classes)
    for row, positive in enumerate(positives):
        y_sign = np.where(y == positive, 1.0, -1.0)
        if class_weight is None:
            cw = np.ones(y.shape[0])
        elif n_classes == 2:
            cw = np.where(y == 1, class_weight[1], class_weight[0])
        else:
            cw = np.where(y == positive, class_weight[positive], 1.0)
        w, b = reference_perceptron(
            X, y_sign, eta0 * y_sign * cw * sw, epochs=3, shrink=shrink
        )
        assert_allclose(clf.coef_[row], w, atol=1e-10, rtol=0)
        assert_allclose(clf.intercept_[row], b, atol=1e-10, rtol=0)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"tol": None, "max_iter": 7},
        {"early_stopping": True},
        {"class_weight": "balanced"},
        pytest.param({"penalty": "l2", "alpha": 0.001}, marks=L2_STEPS),
        {"fit_intercept": False},
    ],
)
def test_same_weights_as_sklearn_without_shuffle(iris, params):
    X, y = iris
    ours = Perceptron(shuffle=False, **params).fit(X, y)
    theirs = SkPerceptron(shuffle=False, **params).fit(X, y)
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-8)
    assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-8)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_


def test_sparse_input_matches_sklearn(iris):
    # Standardised: on raw iris's 0.1 lattice a sample can meet the weights at
    # an exact tie, decided by the last bit of a dot product's summing order.
    X, y = sp.csr_matrix(StandardScaler().fit_transform(iris[0])), iris[1]
    ours = Perceptron(shuffle=False, max_iter=50, tol=None).fit(X, y)
    theirs = SkPerceptron(shuffle=False, max_iter=50, tol=None).fit(X, y)
    assert_allclose(ours.coef_, theirs.coef_, atol=1e-8)
    assert_array_equal(ours.intercept_, theirs.intercept_)


def test_separable_problem_is_learned_perfectly():
    X, y = make_blobs(600, n_features=5, centers=2, cluster_std=0.8, random_state=2)
    ours = Perceptron(random_state=0).fit(X, y)
    theirs = SkPerceptron(random_state=0).fit(X, y)
    assert ours.score(X, y) == 1.0
    assert ours.score(X, y) >= theirs.score(X, y)


def test_multiclass_separable_accuracy():
    X, y = make_blobs(900, n_features=4, centers=3, cluster_std=0.5, random_state=5)
    ours = Perceptron(random_state=0).fit(X, y)
    theirs = SkPerceptron(random_state=0).fit(X, y)
    assert ours.score(X, y) >= theirs.score(X, y) - 0.01
    assert ours.score(X, y) > 0.98


def test_partial_fit_continues_like_fit(iris):
    X, y = iris
    clf = Perceptron(shuffle=False)
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.partial_fit(X, y)
    full = Perceptron(shuffle=False, tol=None, max_iter=2).fit(X, y)
    assert_allclose(clf.coef_, full.coef_)
    assert clf.t_ == 2 * X.shape[0] + 1


def test_warm_start_continues(iris):
    X, y = iris
    clf = Perceptron(shuffle=False, tol=None, max_iter=2, warm_start=True).fit(X, y)
    first = clf.coef_.copy()
    clf.fit(X, y)
    full = Perceptron(shuffle=False, tol=None, max_iter=4).fit(X, y)
    assert not np.allclose(first, clf.coef_)
    assert_allclose(clf.coef_, full.coef_)
    cold = Perceptron(shuffle=False, tol=None, max_iter=2).fit(X, y)
    assert_allclose(cold.coef_, first)


def test_coef_init_is_used(iris):
    X, y = iris
    start = Perceptron(shuffle=False, tol=None, max_iter=3).fit(X, y)
    resumed = Perceptron(shuffle=False, tol=None, max_iter=2).fit(
        X, y, coef_init=start.coef_, intercept_init=start.intercept_
    )
    full = Perceptron(shuffle=False, tol=None, max_iter=5).fit(X, y)
    assert_allclose(resumed.coef_, full.coef_)


def test_early_stopping_stops_before_max_iter():
    X, y = make_classification(400, 8, random_state=0, flip_y=0.2)
    clf = Perceptron(early_stopping=True, max_iter=40, random_state=0).fit(X, y)
    assert clf.n_iter_ < 40
    no_stop = Perceptron(max_iter=40, tol=None, random_state=0).fit(X, y)
    assert no_stop.n_iter_ == 40


def test_convergence_warning_when_max_iter_reached():
    X, y = make_classification(200, 5, random_state=0, flip_y=0.3)
    with pytest.warns(ConvergenceWarning, match="Maximum number of iteration"):
        Perceptron(max_iter=1).fit(X, y)


def test_shuffle_reproducible_and_random_state_matters(small):
    X, y = small
    a = Perceptron(random_state=3, max_iter=5, tol=None).fit(X, y)
    b = Perceptron(random_state=3, max_iter=5, tol=None).fit(X, y)
    c = Perceptron(random_state=4, max_iter=5, tol=None).fit(X, y)
    assert_array_equal(a.coef_, b.coef_)
    assert not np.allclose(a.coef_, c.coef_)


def test_n_jobs_gives_the_same_model_without_shuffle(small):
    X, y = small
    one = Perceptron(shuffle=False, n_jobs=1).fit(X, y)
    two = Perceptron(shuffle=False, n_jobs=2).fit(X, y)
    assert_allclose(one.coef_, two.coef_)
    assert one.n_iter_ == two.n_iter_


def test_elasticnet_bounds_match_l1_and_l2(iris):
    X, y = iris
    l1 = Perceptron(penalty="l1").fit(X, y)
    assert_allclose(
        l1.coef_, Perceptron(penalty="elasticnet", l1_ratio=1).fit(X, y).coef_
    )
    l2 = Perceptron(penalty="l2").fit(X, y)
    assert_allclose(
        l2.coef_, Perceptron(penalty="elasticnet", l1_ratio=0).fit(X, y).coef_
    )


def test_strong_l1_penalty_zeroes_weights():
    X, y = make_classification(300, 20, n_informative=3, random_state=0)
    clf = Perceptron(penalty="l1", alpha=0.01, random_state=0).fit(X, y)
    weak = Perceptron(penalty="l1", alpha=1e-6, random_state=0).fit(X, y)
    assert np.count_nonzero(clf.coef_) < np.count_nonzero(weak.coef_)
    # A strong penalty leaves a noisy fit: compare the mean over a few seeds.
    ours, theirs = (
        np.mean(
            [
                cls(penalty="l1", alpha=0.01, random_state=seed).fit(X, y).score(X, y)
                for seed in range(5)
            ]
        )
        for cls in (Perceptron, SkPerceptron)
    )
    assert ours >= theirs - 0.05


def test_float32_input_keeps_float32(small):
    X, y = small
    clf = Perceptron(max_iter=5).fit(X.astype(np.float32), y)
    assert clf.coef_.dtype == np.float32
    assert clf.intercept_.dtype == np.float32


def test_sparsify_densify_keep_predictions(iris):
    X, y = iris
    clf = Perceptron().fit(X, y)
    before = clf.decision_function(X)
    clf.sparsify()
    assert sp.issparse(clf.coef_)
    assert_allclose(clf.decision_function(X), before)
    clf.densify()
    assert isinstance(clf.coef_, np.ndarray)


def test_string_labels_and_binary_decision_shape():
    X, y = make_blobs(100, centers=2, random_state=0)
    labels = np.array(["no", "yes"])[y]
    clf = Perceptron().fit(X, labels)
    assert clf.decision_function(X).shape == (100,)
    assert clf.coef_.shape == (1, 2)
    assert set(clf.predict(X)) <= {"no", "yes"}


def test_verbose_reports_epochs(iris, capsys):
    X, y = iris
    Perceptron(max_iter=2, tol=None, verbose=1).fit(X, y)
    assert "-- Epoch 2" in capsys.readouterr().out


def test_no_probability_methods():
    clf = Perceptron()
    for method in ("predict_proba", "predict_log_proba"):
        assert not hasattr(clf, method)


@pytest.mark.parametrize(
    "X_bad, message",
    [
        (np.array([[np.nan, 1.0], [1.0, 2.0], [2.0, 0.0]]), "NaN"),
        (np.array([[np.inf, 1.0], [1.0, 2.0], [2.0, 0.0]]), "infinity"),
        (np.zeros((0, 2)), "0 sample"),
    ],
)
def test_bad_X_raises(X_bad, message):
    with pytest.raises(ValueError, match=message):
        Perceptron().fit(X_bad, np.arange(X_bad.shape[0]) % 2)


def test_bad_labels_and_shapes_raise(iris):
    X, y = iris
    with pytest.raises(ValueError, match="greater than one"):
        Perceptron().fit(X, np.zeros(len(y)))
    clf = Perceptron().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :2])
    with pytest.raises(ValueError, match="Unknown label type"):
        Perceptron().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="coef_init"):
        Perceptron().fit(X, y, coef_init=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="intercept_init"):
        Perceptron().fit(X, y, intercept_init=np.zeros(2))


def test_partial_fit_errors(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed"):
        Perceptron().partial_fit(X, y)
    with pytest.raises(ValueError, match="early_stopping should be False"):
        Perceptron(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="balanced"):
        Perceptron(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    clf = Perceptron().partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    before = clf.coef_.copy()
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="not the same as on last call"):
        clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert_array_equal(clf.coef_, before)


@pytest.mark.parametrize(
    "params",
    [
        {"eta0": 0},
        {"penalty": "l3"},
        {"alpha": -1},
        {"max_iter": 0},
        {"validation_fraction": 1.0},
        {"batch_size": 0},
        {"l1_ratio": 2},
    ],
)
def test_invalid_parameters_raise(iris, params):
    X, y = iris
    with pytest.raises(ValueError, match="parameter of Perceptron must be"):
        Perceptron(**params).fit(X, y)


def test_failed_refit_keeps_previous_model(iris):
    X, y = iris
    clf = Perceptron().fit(X, y)
    coef = clf.coef_.copy()
    with pytest.raises(ValueError):
        clf.fit(np.full_like(X, np.nan), y)
    assert_array_equal(clf.coef_, coef)
    with pytest.raises(ValueError, match="under-/overflow"):
        Perceptron(eta0=1e308, max_iter=3).fit(X * 1e10, y)


def test_minibatch_mode_learns_digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    clf = Perceptron(batch_size=16, random_state=0, max_iter=30).fit(X, y)
    assert clf.score(X, y) > 0.93
    assert clf.coef_.shape == (10, 64)
    assert clf.t_ == clf.n_iter_ * X.shape[0] + 1


def test_full_batch_weight_equals_repetition():
    X, y = make_blobs(60, centers=3, random_state=0)
    weight = np.random.default_rng(0).integers(0, 3, 60)
    params = dict(batch_size=1000, tol=None, max_iter=15, class_weight={0: 2.0})
    weighted = Perceptron(**params).fit(X, y, sample_weight=weight)
    repeated = Perceptron(**params).fit(np.repeat(X, weight, 0), np.repeat(y, weight))
    assert_allclose(weighted.coef_, repeated.coef_, atol=1e-10)
    assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-10)


def test_minibatch_early_stopping_and_penalty():
    X, y = make_classification(400, 8, random_state=0, flip_y=0.2)
    clf = Perceptron(batch_size=20, early_stopping=True, max_iter=60).fit(X, y)
    assert clf.n_iter_ < 60
    strong = Perceptron(batch_size=20, penalty="l2", alpha=1.0, max_iter=5).fit(X, y)
    weak = Perceptron(batch_size=20, penalty="l2", alpha=1e-6, max_iter=5).fit(X, y)
    assert np.linalg.norm(strong.coef_) < np.linalg.norm(weak.coef_)


@pytest.mark.parametrize(
    "params, summed",
    [
        ({"tol": None, "max_iter": 5}, False),  # no stopping rule reads it
        ({"early_stopping": True}, False),  # the validation score decides
        ({"tol": None, "max_iter": 5, "verbose": 1}, True),  # printed
        ({}, True),  # the stopping rule watches it
    ],
)
def test_penalty_objective_is_summed_only_when_read(
    monkeypatch, capsys, iris, params, summed
):
    X, y = iris
    calls = []
    original = kernel.penalty_sum
    monkeypatch.setattr(
        kernel, "penalty_sum", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    make = lambda **more: Perceptron(  # noqa: E731
        penalty="l2", alpha=1e-3, random_state=0, **{**params, **more}
    )
    ours = make().fit(X, y)
    assert bool(calls) == summed
    # Skipping the sum leaves the model as it is with the sum (verbose).
    summing = make(verbose=1).fit(X, y)
    capsys.readouterr()
    assert_array_equal(ours.coef_, summing.coef_)
    assert ours.n_iter_ == summing.n_iter_
