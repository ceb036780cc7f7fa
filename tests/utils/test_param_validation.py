from numbers import Integral, Real

import numpy as np
import pytest

from skdeep.utils import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    validate_parameter_constraints,
)

CONSTRAINTS = {
    "alpha": [Interval(Real, 0, None, closed="left")],
    "n": [Interval(Integral, 1, None, closed="left"), None],
    "kind": [StrOptions({"a", "b"}), Hidden(StrOptions({"secret"}))],
    "seed": ["random_state"],
    "flag": ["boolean"],
    "est": [HasMethods(["fit", "predict"]), None],
    "opt": [Options(Integral, {1, 2})],
    "fn": [callable],
}


@pytest.mark.parametrize(
    "params",
    [
        {"alpha": 0.0, "n": 3, "kind": "a", "seed": None, "flag": True},
        {"alpha": 2, "n": None, "kind": "secret", "seed": np.random.RandomState(0)},
        {"flag": np.bool_(False), "opt": 2, "fn": len, "est": None},
    ],
)
def test_valid_values_pass(params):
    validate_parameter_constraints(CONSTRAINTS, params, "Est")


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"alpha": -1.0}, r"'alpha' parameter of Est must be a float in the range"),
        ({"alpha": "x"}, "Got 'x' instead"),
        ({"n": 0}, "an int in the range"),
        ({"n": 1.5}, "or None"),
        ({"kind": "c"}, "among"),
        ({"seed": "x"}, "RandomState"),
        ({"flag": 1}, "bool"),
        ({"est": object()}, "implementing 'fit', 'predict'"),
        ({"opt": 3}, "among"),
        ({"fn": 3}, "callable"),
        ({"alpha": float("nan")}, "Got nan"),
    ],
)
def test_invalid_values_raise_clear_error(params, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        validate_parameter_constraints(CONSTRAINTS, params, "Est")


def test_error_is_value_and_type_error():
    err = InvalidParameterError("x")
    assert isinstance(err, ValueError) and isinstance(err, TypeError)


def test_hidden_option_not_advertised():
    with pytest.raises(InvalidParameterError) as info:
        validate_parameter_constraints(CONSTRAINTS, {"kind": "z"}, "Est")
    assert "secret" not in str(info.value)


def test_unconstrained_parameters_are_ignored():
    validate_parameter_constraints(CONSTRAINTS, {"other": object()}, "Est")
    validate_parameter_constraints("no_validation", {"alpha": -5}, "Est")


def test_repeated_partial_fit_validates_again_only_when_a_parameter_changes(
    monkeypatch,
):
    from skdeep.neural_network import MLPRegressor
    from skdeep.utils import _fit_context

    calls = []
    check = _fit_context.validate_parameter_constraints
    monkeypatch.setattr(
        _fit_context,
        "validate_parameter_constraints",
        lambda *a, **k: calls.append(1) or check(*a, **k),
    )
    X, y = np.random.default_rng(0).normal(size=(2, 30, 3))
    model = MLPRegressor(hidden_layer_sizes=(4,), random_state=0)
    for _ in range(3):
        model.partial_fit(X, y[:, 0])
    assert len(calls) == 1
    model.set_params(alpha=-1.0)  # a new object: validated, and rejected
    with pytest.raises(ValueError, match="alpha"):
        model.partial_fit(X, y[:, 0])
    model.set_params(alpha=1e-3)
    model.partial_fit(X, y[:, 0])
    assert len(calls) == 3
    model.fit(X, y[:, 0])  # fit always validates
    model.fit(X, y[:, 0])
    assert len(calls) == 5


def test_shallow_params_equal_get_params_for_every_estimator():
    from skdeep.utils._validated_params import shallow_params
    from skdeep.utils.discovery import all_estimators

    for _, cls in all_estimators():
        estimator = cls()
        assert shallow_params(estimator) == estimator.get_params(deep=False)


def test_global_skip_parameter_validation_is_honoured():
    # scikit-learn's set_config(skip_parameter_validation=True) skips the
    # constraints check of every estimator; skdeep's follow it.
    from sklearn import config_context

    from skdeep.neural_network import MLPRegressor

    X, y = np.random.default_rng(0).normal(size=(2, 30, 3))
    model = MLPRegressor(hidden_layer_sizes=(4,), alpha=-1e-3, max_iter=5)
    with pytest.raises(ValueError, match="alpha"):
        model.fit(X, y[:, 0])
    with config_context(skip_parameter_validation=True):
        model.fit(X, y[:, 0])  # a negative penalty is computable
    assert model.n_iter_ == 5
