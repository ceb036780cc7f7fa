"""The finite-difference helpers must accept right gradients and reject wrong ones."""

import numpy as np
import pytest

from skdeep import nn
from skdeep.utils._testing import (
    check_layer_gradients,
    check_loss_gradient,
    numerical_gradient,
)


def test_numerical_gradient_of_known_function_and_restores_input():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_allclose(grad, np.cos(before), rtol=1e-7)
    np.testing.assert_array_equal(x, before)
    # one-argument form
    grad = numerical_gradient(lambda a: float(np.sum(a**2)), x)
    np.testing.assert_allclose(grad, 2 * before, rtol=1e-7)


class _WrongDense(nn.Dense):
    def backward(self, dy):
        dx = super().backward(dy)
        self.params["kernel"].grad *= 1.01
        return dx


class _WrongInputGradient(nn.Dense):
    def backward(self, dy):
        return super().backward(dy) * 2


@pytest.mark.parametrize("layer_class", [_WrongDense, _WrongInputGradient])
def test_check_layer_gradients_rejects_wrong_backward(layer_class):
    with pytest.raises(AssertionError):
        check_layer_gradients(layer_class(3), (2,), rng=np.random.default_rng(0))


def test_check_layer_gradients_accepts_right_backward():
    results = check_layer_gradients(nn.Dense(3), (2,), rng=np.random.default_rng(0))
    assert set(results) == {"input", "0:kernel", "1:bias"}


class _WrongLoss(nn.SquaredError):
    def gradient(self, y, raw, sample_weight=None):
        return 2 * super().gradient(y, raw, sample_weight)


def test_check_loss_gradient_rejects_wrong_gradient():
    y, raw = np.zeros((3, 2)), np.ones((3, 2))
    check_loss_gradient(nn.SquaredError(), y, raw)
    with pytest.raises(AssertionError):
        check_loss_gradient(_WrongLoss(), y, raw)
