"""Optimizers: first steps vs scikit-learn and hand rules; clipping; max-norm."""

import copy
import functools
import pickle

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from skdeep import nn

RNG = np.random.default_rng(0)
INIT = [RNG.standard_normal((3, 2)), RNG.standard_normal(2)]
GRADS = [[RNG.standard_normal(v.shape) for v in INIT] for _ in range(3)]


def _parameters():
    return [
        nn.Parameter(INIT[0].copy(), name="kernel"),
        nn.Parameter(INIT[1].copy(), regularize=False, name="bias"),
    ]


def _run(optimizer, n_steps=3):
    params = _parameters()
    trajectory = []
    for grads in GRADS[:n_steps]:
        for p, g in zip(params, grads):
            p.grad = g.copy()
        optimizer.step(params)
        trajectory.append([p.value.copy() for p in params])
    return trajectory


def _run_checking_gradients(optimizer, consume):
    """Three steps; with no penalty or clipping (which change the gradients in
    place) the gradients must survive them unless consumed."""
    params = _parameters()
    trajectory = []
    for grads in GRADS:
        for p, g in zip(params, grads):
            p.grad = g.copy()
        optimizer.step(params, consume_gradients=consume)
        if not (consume or optimizer.l2 or optimizer.clipnorm):
            for p, g in zip(params, grads):
                np.testing.assert_array_equal(p.grad, g)
        trajectory.append([p.value.copy() for p in params])
    return trajectory


def _sklearn_run(optimizer_class, **kwargs):
    params = [v.copy() for v in INIT]
    optimizer = optimizer_class(params, **kwargs)
    trajectory = []
    for grads in GRADS:
        optimizer.update_params(params, [g.copy() for g in grads])
        trajectory.append([p.copy() for p in params])
    return trajectory


def _assert_same(ours, reference):
    for step_ours, step_ref in zip(ours, reference, strict=True):
        for a, b in zip(step_ours, step_ref, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.9, True)]
)
def test_sgd_matches_scikit_learn(momentum, nesterov):
    ours = _run(nn.SGD(0.1, momentum=momentum, nesterov=nesterov))
    reference = _sklearn_run(
        SGDOptimizer, learning_rate_init=0.1, momentum=momentum, nesterov=nesterov
    )
    _assert_same(ours, reference)


def test_adam_matches_scikit_learn():
    ours = _run(nn.Adam(0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7))
    reference = _sklearn_run(
        AdamOptimizer, learning_rate_init=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7
    )
    _assert_same(ours, reference)


def _reference(rule, state_names):
    """Hand-written per-array loop of an update rule over the three steps."""
    params = [v.copy() for v in INIT]
    states = [{name: np.zeros_like(v) for name in state_names} for v in INIT]
    trajectory = []
    for t, grads in enumerate(GRADS, start=1):
        for p, g, s in zip(params, grads, states):
            p -= rule(g, s, t)
        trajectory.append([p.copy() for p in params])
    return trajectory


def _adagrad(g, s, t, lr=0.1, eps=1e-7):
    if t == 1:
        s["acc"] = np.full_like(g, 0.1)
    s["acc"] = s["acc"] + g**2
    return lr * g / (np.sqrt(s["acc"]) + eps)


def _rmsprop(g, s, t, lr=0.01, rho=0.9, eps=1e-7):
    s["ms"] = rho * s["ms"] + (1 - rho) * g**2
    return lr * g / (np.sqrt(s["ms"]) + eps)


def _adadelta(g, s, t, rho=0.95, eps=1e-6):
    s["eg"] = rho * s["eg"] + (1 - rho) * g**2
    delta = np.sqrt(s["ed"] + eps) / np.sqrt(s["eg"] + eps) * g
    s["ed"] = rho * s["ed"] + (1 - rho) * delta**2
    return delta


def _adamax(g, s, t, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["u"] = np.maximum(b2 * s["u"], np.abs(g))
    return lr / (1 - b1**t) * s["m"] / (s["u"] + eps)


def _nadam(g, s, t, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g**2
    m_hat = b1 * s["m"] / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
    return lr * m_hat / (np.sqrt(s["v"] / (1 - b2**t)) + eps)


@pytest.mark.parametrize(
    ("optimizer", "rule", "state"),
    [
        (nn.Adagrad(0.1), _adagrad, ()),
        (nn.RMSprop(0.01), _rmsprop, ("ms",)),
        (nn.Adadelta(), _adadelta, ("eg", "ed")),
        (nn.Adamax(0.01), _adamax, ("m", "u")),
        (nn.Nadam(0.01), _nadam, ("m", "v")),
    ],
    ids=["adagrad", "rmsprop", "adadelta", "adamax", "nadam"],
)
def test_first_three_steps_match_the_rule(optimizer, rule, state):
    _assert_same(_run(optimizer), _reference(rule, state))


def _adam(g, s, t, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g**2
    rate = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    return rate * s["m"] / (np.sqrt(s["v"]) + eps)


@pytest.mark.parametrize(
    ("beta_1", "beta_2", "epsilon"),
    [(0.9, 0.999, 1e-8), (0.0, 0.0, 1e-8), (0.5, 0.9, 0.3), (0.99, 0.5, 0.0)],
)
def test_adam_rescaled_moments_follow_the_textbook_rule(beta_1, beta_2, epsilon):
    # Adam keeps m / (1 - b1) and v / (1 - b2) (two passes fewer); the steps
    # must still be the textbook ones, epsilon included.
    ours = _run(nn.Adam(0.01, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon))
    rule = functools.partial(_adam, b1=beta_1, b2=beta_2, eps=epsilon)
    _assert_same(ours, _reference(rule, ("m", "v")))


def test_adam_outside_the_rescalable_range_keeps_the_plain_moments():
    optimizer = nn.Adam(0.01, beta_1=1.5, beta_2=0.999)
    rule = functools.partial(_adam, b1=1.5)
    _assert_same(_run(optimizer), _reference(rule, ("m", "v")))
    assert set(optimizer.slots["flat"]) == {"m", "v", "scratch"}


def test_adamw_decays_only_regularized_parameters_independently_of_gradients():
    ours = _run(nn.AdamW(0.01, weight_decay=0.1))
    plain = [v.copy() for v in INIT]
    adam = AdamOptimizer(plain, learning_rate_init=0.01)
    for step, grads in enumerate(GRADS):
        plain[0] *= 1 - 0.01 * 0.1
        adam.update_params(plain, [g.copy() for g in grads])
        np.testing.assert_allclose(ours[step][0], plain[0], rtol=1e-12)
        np.testing.assert_allclose(ours[step][1], plain[1], rtol=1e-12)


def test_penalty_helpers():
    params = _parameters()
    kernel, bias = params
    expected = 0.5 * 2.0 * np.sum(kernel.value**2) + 3.0 * np.sum(np.abs(kernel.value))
    assert nn.penalty_value(params, l2=2.0, l1=3.0, n_samples=4) == pytest.approx(
        expected / 4
    )
    for p in params:
        p.grad = np.zeros_like(p.value)
    nn.add_penalty_gradient(params, l2=2.0, l1=3.0, n_samples=4)
    np.testing.assert_allclose(
        kernel.grad, (2.0 * kernel.value + 3.0 * np.sign(kernel.value)) / 4
    )
    assert not np.any(bias.grad)  # biases are not penalised


def test_step_adds_the_penalty_gradient_scaled_by_n_samples():
    params = _parameters()
    for p in params:
        p.grad = np.zeros_like(p.value)
    nn.SGD(1.0, l2=0.5).step(params, n_samples=2)
    np.testing.assert_allclose(params[0].value, INIT[0] * (1 - 0.25))
    np.testing.assert_allclose(params[1].value, INIT[1])


def test_clipvalue_bounds_every_entry():
    params = _parameters()
    for p in params:
        p.grad = 10 * RNG.standard_normal(p.value.shape)
    nn.SGD(0.0, clipvalue=0.5).step(params)
    for p in params:
        assert np.max(np.abs(p.grad)) <= 0.5
        assert np.max(np.abs(p.grad)) == 0.5


def test_clipnorm_caps_the_global_norm_and_keeps_direction():
    params = _parameters()
    raw = [10 * RNG.standard_normal(p.value.shape) for p in params]
    for p, g in zip(params, raw):
        p.grad = g.copy()
    nn.SGD(0.0, clipnorm=1.0).step(params)
    norm = np.sqrt(sum(np.sum(p.grad**2) for p in params))
    assert norm == pytest.approx(1.0)
    scale = params[0].grad[0, 0] / raw[0][0, 0]
    for p, g in zip(params, raw):
        np.testing.assert_allclose(p.grad, scale * g)
    small = [np.full(p.value.shape, 1e-3) for p in params]
    for p, g in zip(params, small):
        p.grad = g.copy()
    nn.SGD(0.0, clipnorm=1.0).step(params)
    np.testing.assert_array_equal(params[0].grad, small[0])


def test_max_norm_caps_each_unit_and_leaves_short_ones_and_biases():
    params = _parameters()
    params[0].value[:, 0] *= 100  # long incoming vector of unit 0
    params[0].value[:, 1] = [0.1, 0.0, 0.0]
    params[1].value[:] = 100.0
    for p in params:
        p.grad = np.zeros_like(p.value)
    nn.SGD(0.1, max_norm=2.0).step(params)
    norms = np.linalg.norm(params[0].value, axis=0)
    assert norms[0] == pytest.approx(2.0)
    assert norms[1] == pytest.approx(0.1)
    assert np.all(params[1].value == 100.0)


def test_float32_stays_float32_and_optimizers_pickle():
    for name in [
        "sgd",
        "adam",
        "adagrad",
        "adadelta",
        "rmsprop",
        "adamax",
        "nadam",
        "adamw",
    ]:
        optimizer = nn.get_optimizer(name, learning_rate=0.01, l2=0.1, l1=0.1)
        params = [nn.Parameter(v.astype(np.float32)) for v in INIT]
        for p in params:
            p.grad = np.ones_like(p.value)
        optimizer.step(params)
        assert all(p.value.dtype == np.float32 for p in params), name
        clone = pickle.loads(pickle.dumps(optimizer))
        copied = copy.deepcopy(optimizer)
        assert clone.iterations == copied.iterations == 1
        assert clone.slots.keys() == optimizer.slots.keys()


def test_get_optimizer_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown optimizer 'nope'"):
        nn.get_optimizer("nope")


@pytest.mark.parametrize(
    "make",
    [
        functools.partial(nn.SGD, 0.1),
        functools.partial(nn.SGD, 0.1, momentum=0.9),
        functools.partial(nn.SGD, 0.1, momentum=0.9, nesterov=True),
        functools.partial(nn.Adam, 0.01),
        functools.partial(nn.Adam, 0.01, beta_1=1.5),
        functools.partial(nn.Adam, 0.01, l2=0.3, clipnorm=1.0),
        functools.partial(nn.RMSprop, 0.01),
        functools.partial(nn.Nadam, 0.01),
    ],
    ids=[
        "sgd",
        "momentum",
        "nesterov",
        "adam",
        "adam-plain",
        "adam-l2",
        "rms",
        "nadam",
    ],
)
def test_consuming_the_gradients_takes_the_same_steps(make):
    # The training loop lets a rule overwrite the gradients (scratch space);
    # the steps must not change, and without the flag the gradients survive.
    kept = _run_checking_gradients(make(), consume=False)
    consumed = _run_checking_gradients(make(), consume=True)
    for step_kept, step_consumed in zip(kept, consumed, strict=True):
        for a, b in zip(step_kept, step_consumed, strict=True):
            np.testing.assert_array_equal(a, b)
