"""Streaming ``partial_fit``: skdeep vs scikit-learn, side by side in one process.

Run ``python benchmarks/bench_partial_fit.py [--calls 1000] [--rows 20]``.

Every estimator with a ``partial_fit`` is fed ``make_classification(calls *
rows, 20 features, 3 classes)`` in consecutive chunks of ``rows`` samples, the
way an online-learning loop does.  The script prints the total time of both
libraries, their ratio skdeep/sklearn (lower is better), and for skdeep the
ratio of the last tenth of the calls to the first tenth, which stays near 1
when the per-call cost does not grow with the model's age.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn import cluster as sk_cluster
from sklearn import decomposition as sk_decomposition
from sklearn import linear_model as sk_linear
from sklearn import neural_network as sk_nn
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

import skdeep


def _cases(classes):
    """(name, scikit-learn module, parameters, partial_fit keywords) tuples.

    Keywords ``None`` mark a regressor (float targets), ``{}`` an
    unsupervised estimator.
    """
    mlp = dict(hidden_layer_sizes=(32,), random_state=0)
    return [
        ("MLPClassifier", sk_nn, mlp, dict(classes=classes)),
        ("MLPRegressor", sk_nn, mlp, None),
        ("Perceptron", sk_linear, dict(random_state=0), dict(classes=classes)),
        ("MiniBatchKMeans", sk_cluster, dict(n_clusters=5, random_state=0), {}),
        ("IncrementalPCA", sk_decomposition, dict(n_components=5), {}),
    ]


def _stream(model, X, y, rows, extra):
    """Feed ``X`` in chunks; return the time of every call."""
    times = []
    for start in range(0, X.shape[0], rows):
        chunk = slice(start, start + rows)
        began = time.perf_counter()
        if extra is None:  # a regressor: float targets
            model.partial_fit(X[chunk], y[chunk].astype(float))
        elif "classes" in extra:
            model.partial_fit(X[chunk], y[chunk], **extra)
        else:
            model.partial_fit(X[chunk])
        times.append(time.perf_counter() - began)
    return np.array(times)


def main(calls=1000, rows=20):
    """Print one line per estimator; return ``{name: ratio}``."""
    X, y = make_classification(
        calls * rows, 20, n_informative=5, n_classes=3, random_state=0
    )
    classes = np.unique(y)
    ratios = {}
    print(f"partial_fit benchmark: {calls} calls of {rows} rows, 20 features")
    for name, sk_module, params, extra in _cases(classes):
        ours = _stream(getattr(skdeep, name)(**params), X, y, rows, extra)
        theirs = _stream(getattr(sk_module, name)(**params), X, y, rows, extra)
        tenth = max(1, calls // 10)
        growth = ours[-tenth:].sum() / ours[:tenth].sum()
        ratios[name] = ours.sum() / theirs.sum()
        print(
            f"{name:<16} skdeep {ours.sum() * 1e3:8.1f} ms  sklearn "
            f"{theirs.sum() * 1e3:8.1f} ms  ratio {ratios[name]:5.2f}  "
            f"(skdeep last/first tenth of the calls {growth:4.2f})",
            flush=True,
        )
    return ratios


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=20)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        main(args.calls, args.rows)
