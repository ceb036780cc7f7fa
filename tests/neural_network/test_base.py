"""BaseNeuralEstimator is network-agnostic: a new estimator is a docstring,
its parameters and a short ``_build_layers`` (what CNN/RNN estimators reuse)."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer

from skdeep.neural_network import lr_find
from skdeep.neural_network._base import (
    BaseNeuralEstimator,
    NeuralClassifierMixin,
    NeuralRegressorMixin,
)
from skdeep.neural_network._base_heads import (
    _accuracy_from_raw,
    _binarized,
    _r2_from_raw,
)
from skdeep.nn import Activation, Dense
from skdeep.utils._fit_context import fit_context


class _TinyNet:
    """A two-layer tanh network with the minimum of parameters."""

    _parameter_constraints: dict = {}

    def __init__(
        self,
        units=8,
        solver="adam",
        learning_rate_init=0.01,
        max_iter=100,
        random_state=None,
    ):
        self.units = units
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.random_state = random_state

    # the fixed training settings a real estimator would expose as parameters
    batch_size, shuffle, tol, verbose, warm_start = "auto", True, 1e-4, 0, False
    early_stopping, validation_fraction, n_iter_no_change = False, 0.1, 10
    learning_rate, alpha, max_fun = "constant", 0.0, 15000

    def _build_layers(self, input_shape, n_outputs):
        return [Dense(self.units), Activation("tanh"), Dense(n_outputs)]

    @fit_context
    def fit(self, X, y, sample_weight=None):
        return self._fit(X, y, sample_weight)


class TinyRegressor(_TinyNet, NeuralRegressorMixin, BaseNeuralEstimator):
    pass


class TinyClassifier(_TinyNet, NeuralClassifierMixin, BaseNeuralEstimator):
    pass


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    return X, np.tanh(X @ [1.0, -1.0, 0.5])


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_new_estimator_only_needs_build_layers(data, solver):
    X, y = data
    reg = TinyRegressor(solver=solver, random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.95
    assert reg.transform(X).shape == (200, 8)
    assert [c.shape for c in reg.coefs_] == [(3, 8), (8, 1)]
    assert len(reg.history_.loss) == reg.n_iter_
    restored = pickle.loads(pickle.dumps(reg))
    assert_allclose(restored.predict(X), reg.predict(X))
    assert not hasattr(clone(reg), "coefs_")

    clf = TinyClassifier(solver=solver, random_state=0).fit(X, y > 0)
    assert clf.score(X, y > 0) > 0.95
    assert clf.predict_proba(X).shape == (200, 2)


def test_lr_find_works_through_the_base_class(data):
    X, y = data
    reg = TinyRegressor(random_state=0)
    result = lr_find(reg, X, y, n_steps=60)
    assert len(result.losses) > 10 and result.suggested_learning_rate > 0
    assert not hasattr(reg, "coefs_")


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1])
@pytest.mark.parametrize("draws", [0, 1, 700])
def test_generator_from_keeps_the_stream_of_the_list_entropy(seed, draws):
    from skdeep.neural_network._base_rng import _generator_from

    state = np.random.RandomState(seed)
    state.random_sample(draws)  # any position in the key
    before = state.get_state()
    _, key, pos, *_ = before
    reference = np.random.default_rng([*key.tolist(), int(pos)])
    ours = _generator_from(state)
    np.testing.assert_array_equal(ours.random(50), reference.random(50))
    after = state.get_state()  # the RandomState is not consumed
    np.testing.assert_array_equal(after[1], before[1])
    assert after[2] == before[2]
    # Zero words (key entries and the position) hash the same way too.
    state.set_state(("MT19937", np.zeros(624, dtype=np.uint32), 0, 0, 0.0))
    np.testing.assert_array_equal(
        _generator_from(state).random(5),
        np.random.default_rng([0] * 625).random(5),
    )


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_inference_works_in_place_on_its_own_arrays_only(activation):
    """Activations overwrite the arrays the previous layer made, never the
    caller's input; the outputs are those of plain layer-by-layer forwards."""
    from sklearn.datasets import make_classification

    from skdeep.neural_network import MLPClassifier
    from skdeep.neural_network._base_network import forward_in_chunks

    X, y = make_classification(300, 6, n_classes=3, n_informative=4, random_state=0)
    model = MLPClassifier((8, 5), activation=activation, max_iter=30, random_state=0)
    model.fit(X, y)
    layers = model._inference_network().layers
    expected = X.copy()
    for layer in layers:
        expected = layer.forward(expected, training=False)
    X_before = X.copy()
    np.testing.assert_array_equal(forward_in_chunks(layers, X), expected)
    # Chunks may take other BLAS kernels (an ulp apart with numpy 1.23's).
    chunked = forward_in_chunks(layers, X, chunk_rows=7)
    np.testing.assert_allclose(chunked, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(X, X_before)
    # The first layer's input is the caller's: an activation there copies.
    hidden = layers[0].forward(X, training=False)
    kept = hidden.copy()
    forward_in_chunks([layers[1], layers[2]], hidden)
    np.testing.assert_array_equal(hidden, kept)


@pytest.mark.parametrize(
    "labels",
    [
        [0, 1, 2, 3, 4, 2, 0],
        [-3, 1, -3, 0],
        [0, 1, 1, 0],
        ["b", "a", "ccc", "a"],
        ["yes", "no", "no"],
        [1.0, 2.0, 1.0, 3.0],
        [True, False, True],
        [3, 3, 3],
        np.array(["b", "a", "c"], dtype=object),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_targets_are_coded_as_the_label_binarizer_codes_them(labels, dtype):
    # The classifier head codes single-label targets itself instead of
    # calling LabelBinarizer.transform (which re-validates them every call);
    # the columns and their order must stay the binarizer's, for the whole
    # label set and for a batch holding only some of the classes.
    y = np.asarray(labels)
    binarizer = LabelBinarizer().fit(y)
    for batch in (y, y[::-1][:2]):
        expected = binarizer.transform(batch).astype(dtype)
        coded = _binarized(binarizer, batch, dtype)
        assert coded.dtype == expected.dtype
        assert_array_equal(coded, expected)


@pytest.mark.parametrize("kind", ["multiclass", "binary", "multilabel"])
@pytest.mark.parametrize("weighted", [False, True])
def test_validation_accuracy_is_accuracy_score(kind, weighted):
    # Early stopping scores every epoch without accuracy_score's validation;
    # the value must stay accuracy_score's (subset accuracy for multilabel).
    rng = np.random.default_rng(len(kind) + weighted)
    n_outputs = {"multiclass": 4, "binary": 1, "multilabel": 3}[kind]
    for n_samples in (2, 7, 300):
        raw = rng.standard_normal((n_samples, n_outputs))
        if kind == "multiclass":
            Y = np.eye(n_outputs)[rng.integers(0, n_outputs, n_samples)]
            truth, predicted = Y.argmax(axis=1), raw.argmax(axis=1)
        else:
            Y = (rng.random((n_samples, n_outputs)) < 0.5).astype(float)
            truth, predicted = Y > 0.5, raw > 0
        weights = rng.random(n_samples) if weighted else None
        expected = accuracy_score(truth, predicted, sample_weight=weights)
        ours = _accuracy_from_raw(Y, raw, weights, multiclass=kind == "multiclass")
        assert ours == pytest.approx(expected, rel=1e-15, abs=1e-15)
    raw[0, 0] = np.nan
    assert np.isnan(_accuracy_from_raw(Y, raw, None, multiclass=False))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_validation_r2_is_r2_score(dtype, weighted, n_outputs):
    # Early stopping scores regressors every epoch without r2_score's
    # validation: same value, constant targets and tiny sets included.
    rng = np.random.default_rng(n_outputs + 2 * weighted)
    tolerance = 1e-6 if dtype == np.float32 else 1e-13
    for n_samples, constant, noise in [
        (300, False, 0.3),
        (40, True, 1.0),
        (9, True, 0),
    ]:
        Y = rng.standard_normal((n_samples, n_outputs)).astype(dtype)
        if constant:
            Y[:, 0] = 1.5
        raw = (Y + noise * rng.standard_normal(Y.shape)).astype(dtype)
        weights = rng.random(n_samples).astype(dtype) if weighted else None
        expected = r2_score(Y, raw, sample_weight=weights)
        ours = _r2_from_raw(Y, raw, weights, link=lambda r: r)
        assert ours == pytest.approx(expected, rel=tolerance, abs=tolerance)
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(_r2_from_raw(Y[:1], raw[:1], None, link=lambda r: r))
