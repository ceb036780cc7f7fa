"""Per-coordinate adaptive optimizers (Adagrad, RMSprop, Adam variants)."""

from __future__ import annotations

import numpy as np

from ._optimizer_base import Optimizer, moving_average, normalized_step
from .optimizers import Adam

__all__ = ["Adagrad", "Adadelta", "RMSprop", "Adamax", "Nadam", "AdamW"]


class _RMSNormalized(Optimizer):
    """Base of the rules stepping ``lr g / (sqrt(s) + eps)`` for a running ``s``."""

    _elementwise_rule = True

    def _rms_step(self, index, param, grad, mean_square):
        scratch = self._slot(index, "scratch", param.value)
        normalized_step(
            param.value, self.learning_rate, grad, mean_square, self.epsilon, scratch
        )


class Adagrad(_RMSNormalized):
    """Adagrad: ``s += g^2; p -= lr g / (sqrt(s) + eps)``.

    Each coordinate's step shrinks with its accumulated squared gradient, so
    rare features get larger steps; the rate decays forever.

    Parameters
    ----------
    learning_rate : float, default=0.01
    initial_accumulator_value : float, default=0.1
    epsilon : float, default=1e-7
    **base
        See :class:`~skdeep.nn.Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([1.0])); p.grad = np.array([1.0])
    >>> Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0).step([p])
    >>> p.value
    array([0.9])
    """

    def __init__(
        self, learning_rate=0.01, initial_accumulator_value=0.1, epsilon=1e-7, **base
    ):
        super().__init__(learning_rate, **base)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _update(self, index, param, grad):
        accumulator = self._slot(
            index, "accumulator", param.value, fill=self.initial_accumulator_value
        )
        accumulator += grad * grad
        self._rms_step(index, param, grad, accumulator)


class RMSprop(_RMSNormalized):
    """RMSprop: ``s = rho s + (1 - rho) g^2; p -= lr g / (sqrt(s) + eps)``.

    Adagrad with a leaking accumulator, so the step size does not decay to 0.

    Parameters
    ----------
    learning_rate : float, default=0.001
    rho : float, default=0.9
    epsilon : float, default=1e-7
    **base
        See :class:`~skdeep.nn.Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([1.0])); p.grad = np.array([2.0])
    >>> RMSprop(learning_rate=0.1, rho=0.0, epsilon=0).step([p])
    >>> p.value
    array([0.9])
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, **base):
        super().__init__(learning_rate, **base)
        self.rho = rho
        self.epsilon = epsilon

    def _update(self, index, param, grad):
        mean_square = self._slot(index, "mean_square", param.value)
        moving_average(mean_square, grad * grad, self.rho)
        self._rms_step(index, param, grad, mean_square)


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012): steps in the units of the parameter.

    ``Eg = rho Eg + (1-rho) g^2; d = sqrt(Ed + eps) / sqrt(Eg + eps) g;``
    ``Ed = rho Ed + (1-rho) d^2; p -= lr d``.

    Parameters
    ----------
    learning_rate : float, default=1.0
        The paper's rule has no rate; 1.0 recovers it.
    rho : float, default=0.95
    epsilon : float, default=1e-6
    **base
        See :class:`~skdeep.nn.Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([1.0])); p.grad = np.array([1.0])
    >>> Adadelta(rho=0.0, epsilon=0.01).step([p])
    >>> p.value.round(4)
    array([0.9005])
    """

    _elementwise_rule = True

    def __init__(self, learning_rate=1.0, rho=0.95, epsilon=1e-6, **base):
        super().__init__(learning_rate, **base)
        self.rho = rho
        self.epsilon = epsilon

    def _update(self, index, param, grad):
        grad_sq = self._slot(index, "grad_sq", param.value)
        delta_sq = self._slot(index, "delta_sq", param.value)
        moving_average(grad_sq, grad * grad, self.rho)
        delta = np.sqrt(delta_sq + self.epsilon) / np.sqrt(grad_sq + self.epsilon)
        delta *= grad
        moving_average(delta_sq, delta * delta, self.rho)
        param.value -= self.learning_rate * delta


class Adamax(Adam):
    """Adamax: Adam with an infinity-norm second moment.

    ``m = b1 m + (1-b1) g; u = max(b2 u, |g|); p -= lr / (1 - b1^t) m / (u + eps)``.

    Parameters
    ----------
    learning_rate : float, default=0.002
    beta_1, beta_2 : float, default=0.9, 0.999
    epsilon : float, default=1e-7
    **base
        See :class:`~skdeep.nn.Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([1.0])); p.grad = np.array([3.0])
    >>> Adamax(learning_rate=0.1, epsilon=0).step([p])
    >>> p.value.round(6)
    array([0.9])
    """

    def __init__(
        self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **base
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **base)

    def _update(self, index, param, grad):
        m = self._slot(index, "m", param.value)
        u = self._slot(index, "u", param.value)
        moving_average(m, grad, self.beta_1)
        u *= self.beta_2
        np.maximum(u, np.abs(grad), out=u)
        rate = self.learning_rate / (1 - self.beta_1 ** (self.iterations + 1))
        param.value -= rate * m / (u + self.epsilon)


class Nadam(Adam):
    """Adam with Nesterov momentum (Dozat, 2016), in the common simplified form.

    With Adam's moments ``m, v`` at step ``t``:
    ``m_hat = b1 m / (1 - b1^(t+1)) + (1-b1) g / (1 - b1^t)``,
    ``v_hat = v / (1 - b2^t)``, ``p -= lr m_hat / (sqrt(v_hat) + eps)``.

    Parameters
    ----------
    learning_rate : float, default=0.002
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
    **base
        See :class:`~skdeep.nn.Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([1.0])); p.grad = np.array([1.0])
    >>> Nadam(learning_rate=0.1).step([p])
    >>> bool(p.value[0] < 1.0)
    True
    """

    def __init__(
        self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-8, **base
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **base)

    def _update(self, index, param, grad):
        m, v, scratch = self._moments(index, param, grad)
        t = self.iterations + 1
        b1, b2 = self.beta_1, self.beta_2
        m_hat = (b1 / (1 - b1 ** (t + 1))) * m + ((1 - b1) / (1 - b1**t)) * grad
        v_hat = v / (1 - b2**t)
        normalized_step(
            param.value, self.learning_rate, m_hat, v_hat, self.epsilon, scratch
        )


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Before the Adam step, regularised parameters shrink by
    ``p -= lr * weight_decay * p``, independently of the gradient scale
    (unlike an L2 penalty, which Adam's normalisation would rescale).

    Parameters
    ----------
    learning_rate : float, default=0.001
    weight_decay : float, default=0.01
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
    **base
        See :class:`~skdeep.nn.Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Parameter
    >>> p = Parameter(np.array([1.0])); p.grad = np.array([0.0])
    >>> AdamW(learning_rate=0.1, weight_decay=0.5).step([p])
    >>> p.value
    array([0.95])
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.01,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        **base,
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **base)
        self.weight_decay = weight_decay

    # The decay reads the regularised parameters' own values.
    _elementwise_rule = False

    def _update(self, index, param, grad):
        if param.regularize and self.weight_decay:
            param.value *= 1 - self.learning_rate * self.weight_decay
        super()._update(index, param, grad)


REGISTRY = {
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "rmsprop": RMSprop,
    "adamax": Adamax,
    "nadam": Nadam,
    "adamw": AdamW,
}
