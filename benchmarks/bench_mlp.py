"""Benchmark skdeep's MLPClassifier/MLPRegressor against scikit-learn's.

Run ``python benchmarks/bench_mlp.py [--repeats 3] [--quick]``.

Both libraries train the same network with identical parameters (Adam,
batch 256, 20 epochs, ``tol=0``, no early stopping, hidden layers (256, 128))
on ``make_classification(30000, 100 features, 40 informative, 10 classes)`` and
``make_regression(30000, 50 features)``, in float64 and float32. Fits
alternate between the two libraries ``repeats`` times in this one process; the
script prints median fit times, their ratio skdeep/sklearn (lower is better;
targets: <= 0.8 in float64, <= 0.5 in float32), the median of the ratios of
back-to-back fits ("paired", steadier on a machine whose speed drifts) and
both test scores.  One short untimed fit of each library comes first. It ends
with the Perceptron benchmark when ``benchmarks/bench_perceptron.py`` exists.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn import neural_network as sk_nn
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep import neural_network as sd_nn

PARAMS = dict(
    hidden_layer_sizes=(256, 128),
    solver="adam",
    batch_size=256,
    max_iter=20,
    tol=0.0,
    early_stopping=False,
    random_state=0,
)


def _data(kind, n_samples, dtype):
    if kind == "classification":
        X, y = make_classification(
            n_samples=n_samples,
            n_features=100,
            n_informative=40,
            n_classes=10,
            random_state=0,
        )
    else:
        X, y = make_regression(
            n_samples=n_samples, n_features=50, noise=10.0, random_state=0
        )
        y = (y - y.mean()) / y.std()
    X = StandardScaler().fit_transform(X).astype(dtype)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def _timed_fit(make, X, y):
    model = make()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return time.perf_counter() - start, model


def compare(kind, dtype, n_samples, repeats):
    """Alternate fits of both libraries; print and return the time ratio."""
    X_train, X_test, y_train, y_test = _data(kind, n_samples, dtype)
    name = "MLPClassifier" if kind == "classification" else "MLPRegressor"
    make_ours = lambda: getattr(sd_nn, name)(**PARAMS)  # noqa: E731
    make_ref = lambda: getattr(sk_nn, name)(**PARAMS)  # noqa: E731
    times = {"skdeep": [], "sklearn": []}
    scores = {"skdeep": [], "sklearn": []}
    for make in (make_ref, make_ours):  # untimed warm-up of both code paths
        warm_up = make().set_params(max_iter=1)
        _timed_fit(lambda model=warm_up: model, X_train[:2000], y_train[:2000])
    for _ in range(repeats):
        for label, make in (("sklearn", make_ref), ("skdeep", make_ours)):
            seconds, model = _timed_fit(make, X_train, y_train)
            times[label].append(seconds)
            scores[label].append(model.score(X_test, y_test))
    ours, ref = (statistics.median(times[k]) for k in ("skdeep", "sklearn"))
    # The machine drifts between fast and slow phases over seconds: the
    # ratio of two fits run back to back is steadier than a ratio of medians.
    paired = statistics.median(
        a / b for a, b in zip(times["skdeep"], times["sklearn"], strict=True)
    )
    metric = "accuracy" if kind == "classification" else "R2"
    print(
        f"{name:<14} {np.dtype(dtype).name:<8} skdeep {ours:7.2f}s  "
        f"sklearn {ref:7.2f}s  ratio {ours / ref:5.2f} (paired {paired:4.2f})  "
        f"{metric} skdeep {statistics.median(scores['skdeep']):.4f} sklearn "
        f"{statistics.median(scores['sklearn']):.4f}",
        flush=True,
    )
    return paired


def _run_perceptron_benchmark(argv):
    path = Path(__file__).with_name("bench_perceptron.py")
    if not path.exists():
        return
    spec = importlib.util.spec_from_file_location("bench_perceptron", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print("\nPerceptron (benchmarks/bench_perceptron.py)", flush=True)
    module.main(argv)  # it ignores flags it does not know


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="3000 samples instead of 30000"
    )
    parser.add_argument("--skip-perceptron", action="store_true")
    args = parser.parse_args(argv)
    n_samples = 3000 if args.quick else 30000
    print(f"MLP benchmark: {PARAMS}, n_samples={n_samples}, repeats={args.repeats}")
    for dtype in (np.float64, np.float32):
        for kind in ("classification", "regression"):
            compare(kind, dtype, n_samples, args.repeats)
    if not args.skip_perceptron:
        _run_perceptron_benchmark(argv)


if __name__ == "__main__":
    main()
