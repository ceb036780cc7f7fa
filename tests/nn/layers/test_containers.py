"""Sequential and Residual containers."""

import numpy as np
import pytest
import scipy.sparse as sp

from skdeep import nn


def _net():
    net = nn.Sequential([nn.Dense(4), nn.Activation("relu"), nn.Dense(2)])
    net.build((3,), np.random.default_rng(0))
    return net


def test_parameters_chain_children_in_order():
    net = _net()
    names = [p.name for p in net.parameters()]
    assert names == ["kernel", "bias", "kernel", "bias"]
    assert net.parameters()[0] is net.layers[0].params["kernel"]


def test_backward_params_gives_the_same_parameter_gradients():
    net = _net()
    x = np.random.default_rng(1).normal(size=(5, 3))
    dy = np.random.default_rng(2).normal(size=(5, 2))
    net.forward(x, training=True)
    net.backward(dy)
    expected = [p.grad.copy() for p in net.parameters()]
    net.forward(x, training=True)
    assert net.backward_params(dy) is None
    for p, g in zip(net.parameters(), expected):
        np.testing.assert_allclose(p.grad, g)


def test_set_weights_checks_the_count():
    with pytest.raises(ValueError, match="Expected 4 arrays"):
        _net().set_weights([np.zeros(1)])


def test_backward_without_forward_is_an_error():
    with pytest.raises(RuntimeError, match="forward"):
        _net().backward(np.ones((1, 2)))


def test_dense_accepts_sparse_input():
    net = _net()
    X = sp.random(20, 3, density=0.4, format="csr", random_state=0)
    y_sparse = net.forward(X, training=True)
    np.testing.assert_allclose(y_sparse, net.forward(X.toarray()))
    dy = np.ones_like(y_sparse)
    net.backward_params(dy)
    sparse_grad = net.parameters()[0].grad.copy()
    net.forward(X.toarray(), training=True)
    net.backward_params(dy)
    np.testing.assert_allclose(sparse_grad, net.parameters()[0].grad)


def test_residual_identity_adds_the_input_and_rejects_shape_changes():
    block = nn.Dense(3, kernel_initializer="zeros", bias_initializer="ones")
    layer = nn.Residual(block)
    layer.build((3,), np.random.default_rng(0))
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(layer.forward(x), x + 1)
    with pytest.raises(ValueError, match="projection shortcut"):
        nn.Residual(nn.Dense(4)).build((3,), np.random.default_rng(0))
    projected = nn.Residual(nn.Dense(4), shortcut=nn.Dense(4))
    assert projected.build((3,), np.random.default_rng(0)) == (4,)
    assert len(projected.parameters()) == 4
