"""Benchmark skdeep's Perceptron against scikit-learn's, side by side in one process.

Run ``python benchmarks/bench_perceptron.py [--repeats 3] [--quick]`` (also
called by ``benchmarks/bench_mlp.py``).  Each case fits both estimators with
identical parameters alternately ``repeats`` times and prints the median fit
times, the ratio skdeep/sklearn (lower is better), the epochs run and both
test accuracies (25% held out).  Both run the same per-sample perceptron rule;
only the shuffling streams differ.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_digits, make_blobs, make_classification
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import Perceptron


def _datasets(n_samples):
    X, y = make_classification(
        n_samples, 100, n_informative=40, n_classes=10, random_state=0
    )
    yield "10 classes, 100 features (hard)", StandardScaler().fit_transform(X), y
    X, y = make_classification(
        n_samples,
        100,
        n_informative=10,
        n_redundant=0,
        class_sep=3.0,
        flip_y=0.0,
        n_clusters_per_class=1,
        random_state=0,
    )
    yield "binary, separable, 100 features", X, y
    X, y = load_digits(return_X_y=True)
    yield "digits (1797 x 64, 10 classes)", X, y
    rng = np.random.default_rng(0)
    X = sp.random(n_samples, 2000, density=0.01, format="csr", random_state=0)
    y = (X @ rng.normal(size=2000) > 0).astype(int)
    yield "sparse CSR binary, 2000 features", X, y


def _other_datasets(n_samples):
    """Data unlike the issue's: unscaled features, and a noisy binary problem.

    Unscaled blobs make one update move later decisions by far more than
    their margins (the fixed-point rounds used to wander there); the noisy
    binary problem (``make_classification`` defaults, ~25 % mistakes an
    epoch) is the per-mistake regime of a single problem.
    """
    X, y = make_blobs(n_samples, 10, centers=5, random_state=0)
    yield "blobs, 5 classes, unscaled (10 f.)", X, y
    X, y = make_classification(n_samples // 3, 20, random_state=0)
    yield "noisy binary (make_classification)", X, y


def compare(name, X, y, params, repeats):
    """Alternate fits, print medians, ratio and accuracies; return the ratio."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0
    )
    times = {"skdeep": [], "sklearn": []}
    scores, epochs = {}, {}
    for _ in range(repeats):
        for label, cls in (("sklearn", SkPerceptron), ("skdeep", Perceptron)):
            start = time.perf_counter()
            model = cls(**params).fit(X_train, y_train)
            times[label].append(time.perf_counter() - start)
            scores[label] = model.score(X_test, y_test)
            epochs[label] = model.n_iter_
    ours, ref = statistics.median(times["skdeep"]), statistics.median(times["sklearn"])
    print(
        f"{name:<34} {str(params):<36} skdeep {ours:7.3f}s sklearn {ref:7.3f}s "
        f"ratio {ours / ref:5.2f} | epochs {epochs['skdeep']:>3}/{epochs['sklearn']:<3}"
        f" | accuracy skdeep {scores['skdeep']:.4f} sklearn {scores['sklearn']:.4f}",
        flush=True,
    )
    return ours / ref


def main(argv=None):
    """Run every case; ``argv`` as for the command line (unknown flags ignored)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="3000 samples instead of 30000"
    )
    args, _ = parser.parse_known_args(argv)
    n_samples = 3000 if args.quick else 30000
    print(f"Perceptron benchmark: n_samples={n_samples}, repeats={args.repeats}")
    ratios = []
    # The last setting runs both for the same number of epochs: the per-epoch
    # cost, free of the stopping rule's randomness.
    settings = ({}, {"penalty": "l2", "alpha": 1e-4}, {"tol": None, "max_iter": 10})
    for name, X, y in _datasets(n_samples):
        for params in settings:
            ratios.append(compare(name, X, y, params, args.repeats))
    geometric_mean = float(np.exp(np.mean(np.log(ratios))))
    print(f"geometric mean ratio skdeep/sklearn (the four sets above): "
          f"{geometric_mean:.2f}")  # fmt: skip
    for name, X, y in _other_datasets(n_samples):
        for params in settings:
            ratios.append(compare(name, X, y, params, args.repeats))
    geometric_mean = float(np.exp(np.mean(np.log(ratios))))
    print(f"geometric mean ratio skdeep/sklearn (all sets): {geometric_mean:.2f}")


if __name__ == "__main__":
    main()
