"""Backend speed: skdeep.nn.train vs scikit-learn's MLPClassifier, same network.

Network (256, 128) ReLU, softmax output, Adam, batch 256, no early stopping, on
make_classification(30000, 100, 40 informative, 10 classes). Runs both in one
process, interleaved, and prints median time ratios skdeep/sklearn (float64
and float32) plus training accuracies.

    python benchmarks/bench_nn_backend.py [--repeats 3] [--epochs 5]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skdeep import nn


def _skdeep_fit(X, y, epochs, dtype):
    rng = np.random.default_rng(0)
    net = nn.Sequential(
        [
            nn.Dense(256),
            nn.Activation("relu"),
            nn.Dense(128),
            nn.Activation("relu"),
            nn.Dense(10),
        ]
    )
    net.build((X.shape[1],), rng, dtype)
    onehot = np.eye(10, dtype=dtype)[y]
    start = time.perf_counter()
    nn.train(
        net,
        nn.CategoricalCrossEntropy(),
        nn.Adam(0.001, l2=1e-4),
        X.astype(dtype),
        onehot,
        batch_size=256,
        max_epochs=epochs,
        rng=rng,
    )
    seconds = time.perf_counter() - start
    accuracy = (net.forward(X.astype(dtype)).argmax(axis=1) == y).mean()
    return seconds, accuracy


def _sklearn_fit(X, y, epochs, dtype):
    model = MLPClassifier(
        (256, 128),
        batch_size=256,
        max_iter=epochs,
        tol=0,
        n_iter_no_change=10**6,
        random_state=0,
    )
    Xd = X.astype(dtype)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Xd, y)
    return time.perf_counter() - start, model.score(Xd, y)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    X, y = make_classification(
        30000, 100, n_informative=40, n_classes=10, random_state=0
    )
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    for dtype in (np.float64, np.float32):
        ours, theirs = [], []
        for _ in range(args.repeats):
            ours.append(_skdeep_fit(X, y, args.epochs, dtype))
            theirs.append(_sklearn_fit(X, y, args.epochs, dtype))
        t_ours = np.median([t for t, _ in ours])
        t_theirs = np.median([t for t, _ in theirs])
        print(
            f"{np.dtype(dtype).name}: skdeep {t_ours:.2f}s (acc {ours[-1][1]:.3f}) "
            f"sklearn {t_theirs:.2f}s (acc {theirs[-1][1]:.3f}) "
            f"ratio {t_ours / t_theirs:.2f}"
        )


if __name__ == "__main__":
    main()
