"""Learning-rate schedules: callables ``(epoch, history) -> learning_rate``.

``epoch`` is the 0-based index of the epoch that just ended; the returned
rate is used for the next epoch. Schedules never decide when to stop; the
reduce-on-plateau schedule is only *asked* by the early-stopping rule
(:meth:`Adaptive.on_plateau`) whether lowering the rate is still possible.
"""

from __future__ import annotations

import bisect
import math

__all__ = [
    "Schedule",
    "Constant",
    "InverseScaling",
    "Adaptive",
    "ReduceOnPlateau",
    "Power",
    "PiecewiseConstant",
    "Exponential",
    "OneCycle",
    "get_schedule",
]


class Schedule:
    """Base class; :attr:`learning_rate` is the initial rate.

    Subclasses implement ``__call__(epoch, history) -> learning_rate``; set
    ``_rate_depends_on_epoch = True`` when the first epoch's rate comes from
    the schedule rather than the optimizer.

    Examples
    --------
    >>> class Halving(Schedule):
    ...     _rate_depends_on_epoch = True
    ...     def __init__(self, learning_rate):
    ...         self.learning_rate = learning_rate
    ...     def __call__(self, epoch, history):
    ...         return self.learning_rate / 2 ** (epoch + 1)
    >>> Halving(1.0).initial_rate(), Halving(1.0)(1, None)
    (1.0, 0.25)
    """

    _rate_depends_on_epoch = False

    def initial_rate(self):
        """Rate for the first epoch, or None when the optimizer's own rate applies."""
        return self(-1, None) if self._rate_depends_on_epoch else None

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({params})"


class Constant(Schedule):
    """Always the same rate.

    Parameters
    ----------
    learning_rate : float, default=0.001
        The rate returned for every epoch.

    Examples
    --------
    >>> Constant(0.1)(5, None)
    0.1
    """

    def __init__(self, learning_rate=0.001):
        self.learning_rate = learning_rate

    def __call__(self, epoch, history):
        return self.learning_rate


class InverseScaling(Schedule):
    """scikit-learn's ``"invscaling"``: ``lr / (samples_seen + 1) ** power_t``.

    ``samples_seen`` is :attr:`History.samples_seen` (scikit-learn's ``t_``).

    Parameters
    ----------
    learning_rate : float, default=0.001
        The initial rate ``lr``.
    power_t : float, default=0.5
        Exponent of the decay.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> InverseScaling(1.0, power_t=0.5)(0, SimpleNamespace(samples_seen=3))
    0.5
    """

    def __init__(self, learning_rate=0.001, power_t=0.5):
        self.learning_rate = learning_rate
        self.power_t = power_t

    def __call__(self, epoch, history):
        return self.learning_rate / (history.samples_seen + 1) ** self.power_t


class Adaptive(Schedule):
    """scikit-learn's ``"adaptive"``: keep the rate until training plateaus.

    ``__call__`` returns the optimizer's current rate unchanged (recorded in
    :attr:`current`). When the early-stopping rule's patience runs out it calls
    :meth:`on_plateau`, which divides the rate by ``1 / factor`` (5 by
    default) while it is above ``min_learning_rate``.

    Parameters
    ----------
    learning_rate : float, default=0.001
    factor : float, default=0.2
    min_learning_rate : float, default=1e-6

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> opt = SimpleNamespace(learning_rate=0.1)
    >>> schedule = Adaptive(0.1)
    >>> schedule.on_plateau(opt), round(opt.learning_rate, 10)
    (True, 0.02)
    """

    def __init__(self, learning_rate=0.001, factor=0.2, min_learning_rate=1e-6):
        self.learning_rate = learning_rate
        self.factor = factor
        self.min_learning_rate = min_learning_rate
        self.current = learning_rate

    def __call__(self, epoch, history):
        return self.current

    def on_plateau(self, optimizer):
        """Lower ``optimizer.learning_rate``; return False when it cannot go lower."""
        if optimizer.learning_rate <= self.min_learning_rate:
            return False
        optimizer.learning_rate *= self.factor
        self.current = optimizer.learning_rate
        return True


ReduceOnPlateau = Adaptive


class Power(Schedule):
    """Per-epoch inverse scaling: ``lr / (1 + decay * (epoch + 1)) ** power``.

    Parameters
    ----------
    learning_rate : float, default=0.001
        The initial rate ``lr``.
    decay : float, default=1.0
        How fast the rate falls per epoch.
    power : float, default=0.5
        Exponent of the decay.

    Examples
    --------
    >>> Power(1.0, decay=1.0, power=1.0)(0, None)
    0.5
    """

    _rate_depends_on_epoch = True

    def __init__(self, learning_rate=0.001, decay=1.0, power=0.5):
        self.learning_rate = learning_rate
        self.decay = decay
        self.power = power

    def __call__(self, epoch, history):
        return self.learning_rate / (1 + self.decay * (epoch + 1)) ** self.power


class PiecewiseConstant(Schedule):
    """``values[i]`` for epochs in ``[boundaries[i-1], boundaries[i])``.

    Parameters
    ----------
    boundaries : list of int
        Increasing epoch indices where the rate changes.
    values : list of float
        ``len(boundaries) + 1`` rates.

    Examples
    --------
    >>> schedule = PiecewiseConstant([2, 4], [1.0, 0.5, 0.1])
    >>> [schedule(epoch, None) for epoch in range(-1, 5)]
    [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    """

    _rate_depends_on_epoch = True

    def __init__(self, boundaries=(), values=(0.001,)):
        if len(values) != len(boundaries) + 1:
            raise ValueError("PiecewiseConstant needs one more value than boundaries.")
        if list(boundaries) != sorted(boundaries):
            raise ValueError("PiecewiseConstant boundaries must be increasing.")
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.learning_rate = self.values[0]

    def __call__(self, epoch, history):
        return self.values[bisect.bisect_right(self.boundaries, epoch + 1)]


class Exponential(Schedule):
    """``lr * decay_rate ** ((epoch + 1) / decay_steps)``.

    Parameters
    ----------
    learning_rate : float, default=0.001
        The initial rate ``lr``.
    decay_rate : float, default=0.9
        Factor applied to the rate every ``decay_steps`` epochs.
    decay_steps : int or float, default=1
        Epochs per factor ``decay_rate`` (the decay is smooth in between).

    Examples
    --------
    >>> Exponential(1.0, decay_rate=0.5)(1, None)
    0.25
    """

    _rate_depends_on_epoch = True

    def __init__(self, learning_rate=0.001, decay_rate=0.9, decay_steps=1):
        self.learning_rate = learning_rate
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps

    def __call__(self, epoch, history):
        return self.learning_rate * self.decay_rate ** ((epoch + 1) / self.decay_steps)


class OneCycle(Schedule):
    """1cycle policy (Smith, 2018), per epoch.

    The rate rises linearly from ``max_learning_rate / div_factor`` to
    ``max_learning_rate`` over the first ``pct_start`` of ``total_epochs``,
    then anneals with a cosine to ``max_learning_rate / final_div_factor``.
    Warm-up avoids early divergence; the long decay lets training settle.

    Parameters
    ----------
    max_learning_rate : float, default=0.01
    total_epochs : int, default=100
    pct_start : float, default=0.3
    div_factor : float, default=25.0
    final_div_factor : float, default=1e4

    Examples
    --------
    >>> schedule = OneCycle(1.0, total_epochs=11, pct_start=0.5, div_factor=10)
    >>> schedule(-1, None), schedule(4, None)
    (0.1, 1.0)
    """

    _rate_depends_on_epoch = True

    def __init__(
        self,
        max_learning_rate=0.01,
        total_epochs=100,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
    ):
        self.max_learning_rate = max_learning_rate
        self.total_epochs = total_epochs
        self.pct_start = pct_start
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.learning_rate = max_learning_rate / div_factor

    def __call__(self, epoch, history):
        step = epoch + 1  # index of the epoch the rate is for
        last = max(self.total_epochs - 1, 1)
        peak = self.pct_start * last
        start = self.max_learning_rate / self.div_factor
        end = self.max_learning_rate / self.final_div_factor
        if step <= peak:
            fraction = step / peak if peak > 0 else 1.0
            return start + fraction * (self.max_learning_rate - start)
        fraction = min((step - peak) / (last - peak), 1.0)
        cosine = 0.5 * (1 + math.cos(math.pi * fraction))
        return end + cosine * (self.max_learning_rate - end)


def get_schedule(name, **kwargs):
    """Instantiate a schedule by name.

    Parameters
    ----------
    name : str
        ``"constant"``, ``"invscaling"``, ``"adaptive"``, ``"power"``,
        ``"piecewise"``, ``"exponential"`` or ``"1cycle"``.
    **kwargs
        Passed to the class.

    Returns
    -------
    Schedule

    Examples
    --------
    >>> get_schedule("constant", learning_rate=0.1)(0, None)
    0.1
    """
    registry = {
        "constant": Constant,
        "invscaling": InverseScaling,
        "adaptive": Adaptive,
        "power": Power,
        "piecewise": PiecewiseConstant,
        "exponential": Exponential,
        "1cycle": OneCycle,
    }
    if name not in registry:
        raise ValueError(f"Unknown schedule {name!r}. Use one of {sorted(registry)}.")
    return registry[name](**kwargs)
