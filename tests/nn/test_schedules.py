"""Schedules against their formulas; Adaptive.on_plateau semantics."""

import math
from types import SimpleNamespace

import pytest

from skdeep import nn


def _history(samples_seen):
    return SimpleNamespace(samples_seen=samples_seen)


def test_constant():
    assert [nn.Constant(0.3)(e, None) for e in range(3)] == [0.3, 0.3, 0.3]
    assert nn.Constant(0.3).initial_rate() is None


@pytest.mark.parametrize("samples_seen", [0, 10, 1000])
def test_inverse_scaling_is_scikit_learns_rule(samples_seen):
    schedule = nn.InverseScaling(0.2, power_t=0.25)
    expected = 0.2 / (samples_seen + 1) ** 0.25
    assert schedule(0, _history(samples_seen)) == pytest.approx(expected)


def test_adaptive_returns_current_rate_and_divides_on_plateau():
    schedule = nn.Adaptive(0.01)
    optimizer = SimpleNamespace(learning_rate=0.01)
    assert schedule(3, None) == 0.01
    assert schedule.on_plateau(optimizer) is True
    assert optimizer.learning_rate == pytest.approx(0.002)
    assert schedule(4, None) == pytest.approx(0.002)
    optimizer.learning_rate = 1e-6
    assert schedule.on_plateau(optimizer) is False  # at the floor: stop
    assert optimizer.learning_rate == 1e-6
    assert nn.ReduceOnPlateau is nn.Adaptive


def test_adaptive_counts_plateaus_down_to_the_minimum():
    schedule = nn.Adaptive(1.0, factor=0.5, min_learning_rate=0.1)
    optimizer = SimpleNamespace(learning_rate=1.0)
    reductions = 0
    while schedule.on_plateau(optimizer):
        reductions += 1
    # 1 -> .5 -> .25 -> .125 -> .0625 (then .0625 <= .1 refuses)
    assert reductions == 4
    assert optimizer.learning_rate == pytest.approx(0.0625)


def test_power():
    schedule = nn.Power(0.5, decay=0.1, power=2.0)
    for epoch in range(4):
        assert schedule(epoch, None) == pytest.approx(
            0.5 / (1 + 0.1 * (epoch + 1)) ** 2
        )
    assert schedule.initial_rate() == pytest.approx(0.5)


def test_piecewise_constant():
    schedule = nn.PiecewiseConstant([3, 5], [0.1, 0.01, 0.001])
    rates = [schedule(epoch, None) for epoch in range(-1, 7)]
    # the rate returned after epoch e is for epoch e + 1
    assert rates == [0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001, 0.001]
    with pytest.raises(ValueError, match="one more value"):
        nn.PiecewiseConstant([1, 2], [0.1])
    with pytest.raises(ValueError, match="increasing"):
        nn.PiecewiseConstant([2, 1], [0.1, 0.2, 0.3])


def test_exponential():
    schedule = nn.Exponential(0.1, decay_rate=0.5, decay_steps=2)
    for epoch in range(5):
        assert schedule(epoch, None) == pytest.approx(0.1 * 0.5 ** ((epoch + 1) / 2))


def test_one_cycle_warms_up_linearly_then_anneals_by_cosine():
    schedule = nn.OneCycle(
        1.0, total_epochs=11, pct_start=0.2, div_factor=10, final_div_factor=100
    )
    rates = [schedule(epoch, None) for epoch in range(-1, 10)]
    assert rates[0] == pytest.approx(0.1)
    assert rates[1] == pytest.approx(0.1 + 0.5 * 0.9)
    assert rates[2] == pytest.approx(1.0)
    assert rates[-1] == pytest.approx(0.01)
    # cosine: halfway through the annealing the rate is the mean of peak and end
    assert rates[6] == pytest.approx(0.01 + 0.5 * (1 - 0.01))
    assert all(a >= b for a, b in zip(rates[2:], rates[3:]))


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("constant", nn.Constant),
        ("invscaling", nn.InverseScaling),
        ("adaptive", nn.Adaptive),
        ("power", nn.Power),
        ("piecewise", nn.PiecewiseConstant),
        ("exponential", nn.Exponential),
        ("1cycle", nn.OneCycle),
    ],
)
def test_get_schedule(name, cls):
    assert type(nn.get_schedule(name)) is cls
    assert math.isfinite(nn.get_schedule(name)(0, _history(5)))


def test_get_schedule_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown schedule"):
        nn.get_schedule("cosine_restarts")
