"""One flat gradient buffer per optimizer: same steps as per parameter, bit for bit."""

import copy
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skdeep import nn
from skdeep.nn._flat import FlatGradients, _StepSink
from skdeep.nn.layers.base import flat_layout, share_value_buffer

SHAPES = [(4, 3), (3,), (3, 2), (2,)]
OPTIMIZERS = [
    lambda: nn.SGD(0.1, l2=0.01),
    lambda: nn.SGD(0.1, momentum=0.9, l2=0.01),
    lambda: nn.SGD(0.1, momentum=0.9, nesterov=True),
    lambda: nn.Adam(0.01, l2=0.01, clipvalue=0.3),
    lambda: nn.get_optimizer("rmsprop", l2=0.01),
    lambda: nn.get_optimizer("adagrad"),
    lambda: nn.get_optimizer("adadelta"),
    lambda: nn.get_optimizer("adamax", l1=0.01),
    lambda: nn.get_optimizer("nadam", max_norm=1.0),
]


def _parameters(dtype=np.float64):
    rng = np.random.default_rng(0)
    return [
        nn.Parameter(rng.standard_normal(s).astype(dtype), regularize=len(s) == 2)
        for s in SHAPES
    ]


def _gradients(n_steps, dtype=np.float64):
    rng = np.random.default_rng(1)
    return [
        [rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(n_steps)
    ]


class _PerParameter:
    """Forces the per-parameter path of the wrapped optimizer's class."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        optimizer._elementwise_rule = False


def _train(optimizer, params, grads, *, in_place_grads):
    for step in grads:
        for p, g in zip(params, step):
            if in_place_grads and p.grad is not None:
                p.grad[...] = g  # as Dense does (matmul with out=)
            else:
                p.grad = g.copy()  # as a layer creating a new array does
        optimizer.step(params, n_samples=4.0)
    return [p.value for p in params]


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize("in_place_grads", [True, False])
@pytest.mark.parametrize("shared_values", [False, True])
def test_flat_update_equals_the_per_parameter_update_bit_for_bit(
    make, in_place_grads, shared_values
):
    grads = _gradients(5)
    flat_optimizer = make()
    params = _parameters()
    if shared_values:  # as a built Sequential stores them
        assert share_value_buffer(params) is not None
    flat = _train(flat_optimizer, params, grads, in_place_grads=in_place_grads)
    assert "flat" in flat_optimizer.slots or not flat_optimizer.slots
    if "flat" in flat_optimizer.slots:
        target = flat_optimizer._flat.target.value
        assert isinstance(target, np.ndarray) == shared_values
        assert shared_values == all(p.value.base is target for p in params)
    reference = _PerParameter(make()).optimizer
    per_parameter = _train(reference, _parameters(), grads, in_place_grads=True)
    assert "flat" not in reference.slots
    for a, b in zip(flat, per_parameter):
        assert_array_equal(a, b)


def test_clipnorm_on_the_flat_buffer_equals_per_parameter_up_to_summation_order():
    # The global norm sums in another order: equal to rounding, not bit for bit.
    grads = [[10 * g for g in step] for step in _gradients(4)]
    flat = _train(nn.Adam(0.1, clipnorm=0.5), _parameters(), grads, in_place_grads=True)
    reference = _PerParameter(nn.Adam(0.1, clipnorm=0.5)).optimizer
    per_parameter = _train(reference, _parameters(), grads, in_place_grads=True)
    for a, b in zip(flat, per_parameter):
        assert_allclose(a, b, rtol=1e-12)


def test_values_stay_the_same_arrays_and_grads_become_views():
    params = _parameters(np.float32)
    values = [p.value for p in params]
    optimizer = nn.Adam(0.01)
    _train(optimizer, params, _gradients(2, np.float32), in_place_grads=True)
    assert all(p.value is v for p, v in zip(params, values))
    assert all(p.grad.base is optimizer._flat.grad for p in params)
    assert optimizer._flat.grad.dtype == np.float32


def test_new_parameter_objects_get_a_new_buffer_and_keep_the_moments():
    # partial_fit trains a deep copy of the network with a deep copy of the
    # optimizer: the copy must never write into the original's buffers.
    params = _parameters()
    optimizer = nn.Adam(0.01)
    _train(optimizer, params, _gradients(2), in_place_grads=True)
    before = [p.value.copy() for p in params]
    clone, clone_params = copy.deepcopy(optimizer), copy.deepcopy(params)
    assert "_flat" not in clone.__dict__
    _train(clone, clone_params, _gradients(3)[2:], in_place_grads=True)
    for p, b in zip(params, before):
        assert_array_equal(p.value, b)
    # Same result as continuing the original optimizer on the original network.
    _train(optimizer, params, _gradients(3)[2:], in_place_grads=True)
    for a, b in zip(clone_params, params):
        assert_array_equal(a.value, b.value)
    restored = pickle.loads(pickle.dumps(optimizer))
    assert "_flat" not in restored.__dict__ and "flat" in restored.slots


def test_parameters_without_gradient_or_mixed_dtypes_use_the_per_parameter_path():
    params = _parameters()
    for p, g in zip(params, _gradients(1)[0]):
        p.grad = g
    params[1].grad = None
    optimizer = nn.Adam(0.01)
    optimizer.step(params)
    assert "flat" not in optimizer.slots and 0 in optimizer.slots
    mixed = _parameters()
    mixed[0].value = mixed[0].value.astype(np.float32)
    for p, g in zip(mixed, _gradients(1)[0]):
        p.grad = g.astype(p.value.dtype)
    assert not FlatGradients.eligible(mixed)


def test_adamw_reads_its_parameters_and_is_never_flattened():
    params = _parameters()
    optimizer = nn.get_optimizer("adamw", learning_rate=0.1)
    _train(optimizer, params, _gradients(2), in_place_grads=True)
    assert "flat" not in optimizer.slots


def _network():
    net = nn.Sequential([nn.Dense(5), nn.Activation("relu"), nn.Dense(2)])
    net.build((3,), np.random.default_rng(0), np.float32)
    return net


def _shares_one_buffer(params):
    base = params[0].value.base
    slices, n_regularized = flat_layout(params)
    start = base.ctypes.data
    offsets = [(p.value.ctypes.data - start) // base.itemsize for p in params]
    # Regularised parameters (the kernels) first, so penalties see one prefix.
    kernels = sum(p.value.size for p in params if p.regularize)
    return (
        all(p.value.base is base for p in params)
        and offsets == [part.start for part in slices]
        and n_regularized == kernels
        and all(p.regularize == (s.stop <= kernels) for p, s in zip(params, slices))
    )


def test_a_sequential_stores_its_values_in_one_buffer_also_after_copy_and_pickle():
    net = _network()
    assert _shares_one_buffer(net.parameters())
    x = np.ones((2, 3), dtype=np.float32)
    for other in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        params = other.parameters()
        assert _shares_one_buffer(params)
        assert params[0].value.base is not net.parameters()[0].value.base
        assert_array_equal(other.forward(x), net.forward(x))


def test_mixed_dtypes_keep_their_own_arrays():
    params = _parameters()
    params[0].value = params[0].value.astype(np.float32)
    values = [p.value for p in params]
    assert share_value_buffer(params) is None
    assert all(p.value is v for p, v in zip(params, values))


def test_a_replaced_value_is_updated_not_the_stale_shared_buffer():
    # Someone assigns a new array to a parameter between steps: the optimizer
    # must notice and step the new array (through the per-value sink).
    net = _network()
    params = net.parameters()
    optimizer = nn.SGD(0.5)
    for p in params:
        p.grad = np.ones_like(p.value)
    optimizer.step(params)
    assert isinstance(optimizer._flat.target.value, np.ndarray)
    replaced = np.zeros_like(params[0].value)
    params[0].value = replaced
    optimizer.step(params)
    assert_array_equal(replaced, np.full_like(replaced, -0.5))
    assert params[0].value is replaced
    assert isinstance(optimizer._flat.target.value, _StepSink)


@pytest.mark.parametrize("penalty", [{"l2": 0.3}, {"l1": 0.2, "l2": 0.1}])
def test_the_penalty_over_the_shared_prefix_equals_the_per_parameter_penalty(penalty):
    net, reference = _network(), _network()
    params, ref_params = net.parameters(), reference.parameters()
    flat_optimizer, per_parameter = nn.SGD(0.1, **penalty), nn.SGD(0.1, **penalty)
    per_parameter._elementwise_rule = False
    for step in range(3):
        for a, b in zip(params, ref_params):
            a.grad = np.full_like(a.value, 0.1 * step)
            b.grad = a.grad.copy()
        value = flat_optimizer.penalty(params, 7.0)
        expected = nn.penalty_value(ref_params, n_samples=7.0, **penalty)
        assert_allclose(value, expected, rtol=1e-6)  # float32, summation order
        flat_optimizer.step(params, n_samples=7.0)
        per_parameter.step(ref_params, n_samples=7.0)
        assert flat_optimizer._flat.penalized is not None
        for a, b in zip(params, ref_params):
            assert_array_equal(a.value, b.value)


def test_deepcopy_gives_the_pickle_round_trip_and_keeps_shared_objects_shared():
    net = _network()
    x = np.ones((2, 3), dtype=np.float32)
    net.forward(x, training=True)  # fills caches
    for p in net.parameters():
        p.grad = np.ones_like(p.value)
    copied, restored = copy.deepcopy(net), pickle.loads(pickle.dumps(net))
    for a, b in zip(copied.layers, restored.layers):
        assert type(a) is type(b) and a._cache is None and b._cache is None
        assert sorted(vars(a)) == sorted(vars(b))
    triples = zip(net.parameters(), copied.parameters(), restored.parameters())
    for original, p, q in triples:
        assert p.grad is None and q.grad is None
        assert_array_equal(p.value, q.value)
        assert not np.shares_memory(p.value, original.value)
    copied.parameters()[0].value[...] = 7.0
    assert not np.any(net.parameters()[0].value == 7.0)
    # One layer reached twice is copied once (deepcopy's memo).
    layer = net.layers[0]
    pair = copy.deepcopy([layer, layer])
    assert pair[0] is pair[1] and pair[0] is not layer
