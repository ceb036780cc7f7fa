"""Quick end-to-end check of the backend: a small network learns digits."""

import numpy as np
from sklearn.datasets import load_digits

from skdeep import nn


def test_small_network_learns_digits():
    rng = np.random.default_rng(0)
    X, y = load_digits(return_X_y=True)
    X = X / 16
    net = nn.Sequential([nn.Dense(32), nn.Activation("relu"), nn.Dense(10)])
    net.build((64,), rng)
    history = nn.train(
        net, nn.CategoricalCrossEntropy(), nn.Adam(0.01), X, y, max_epochs=10, rng=rng
    )
    assert history.n_epochs == 10
    assert (net.forward(X).argmax(axis=1) == y).mean() > 0.95
