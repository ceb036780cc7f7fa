"""Benchmark the MLPs against scikit-learn's over many parameter settings.

Run ``python benchmarks/bench_mlp_configs.py [--repeats 2] [--quick]``.

``bench_mlp.py`` times one large network in one configuration.  This script
looks across the settings users change: each solver (Adam, SGD with and
without Nesterov momentum, adaptive rates, L-BFGS), the tanh and logistic
activations, early stopping, small batches, three hidden layers and a strong
L2 penalty, for the classifier on ``make_classification(10000, 50 features,
20 informative, 3 classes)`` and the regressor on ``make_regression(10000,
30 features)``, both standardised, with scikit-learn's default hidden layer
``(100,)``.  Each line gives the best of ``repeats`` fits of each library
(alternating), their ratio skdeep/sklearn (lower is better), both training
scores and both ``n_iter_``: the same model, not just the same time, is the
claim.  Fits stop after 30 epochs (100 L-BFGS iterations) so the script runs
in a few minutes.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn import neural_network as sk_nn
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import StandardScaler

from skdeep import neural_network as sd_nn

SETTINGS = (
    {},
    {"solver": "sgd"},
    {"solver": "sgd", "nesterovs_momentum": False},
    {"solver": "sgd", "learning_rate": "adaptive"},
    {"solver": "lbfgs", "max_iter": 100},
    {"activation": "tanh"},
    {"activation": "logistic"},
    {"early_stopping": True},
    {"batch_size": 32},
    {"hidden_layer_sizes": (50, 50, 50)},
    {"alpha": 1.0},
)


def _data(kind, n_samples):
    if kind == "MLPClassifier":
        X, y = make_classification(
            n_samples, 50, n_informative=20, n_classes=3, random_state=0
        )
    else:
        X, y = make_regression(n_samples, 30, noise=5.0, random_state=0)
        y = (y - y.mean()) / y.std()
    return StandardScaler().fit_transform(X), y


def _best_fit(make, X, y, repeats):
    best, model = np.inf, None
    for _ in range(repeats):
        model = make()
        start = time.perf_counter()
        model.fit(X, y)
        best = min(best, time.perf_counter() - start)
    return best, model


def compare(name, setting, X, y, repeats):
    """Fit both libraries' ``name`` with ``setting``; print one line."""
    params = {"random_state": 0, "max_iter": 30, **setting}
    ours_cls, ref_cls = getattr(sd_nn, name), getattr(sk_nn, name)
    t_ref, ref = _best_fit(lambda: ref_cls(**params), X, y, repeats)
    t_ours, ours = _best_fit(lambda: ours_cls(**params), X, y, repeats)
    label = ", ".join(f"{k}={v}" for k, v in setting.items()) or "defaults"
    print(
        f"{name:<14} {label:<42} sklearn {t_ref:6.2f}s  skdeep {t_ours:6.2f}s  "
        f"ratio {t_ours / t_ref:5.2f}  score {ours.score(X, y):.4f} / "
        f"{ref.score(X, y):.4f}  n_iter_ {ours.n_iter_} / {ref.n_iter_}",
        flush=True,
    )
    return t_ours / t_ref


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--quick", action="store_true", help="2000 samples instead of 10000"
    )
    args, _ = parser.parse_known_args(argv)
    warnings.simplefilter("ignore")  # convergence warnings of 30-epoch fits
    n_samples = 2000 if args.quick else 10000
    ratios = []
    for name in ("MLPClassifier", "MLPRegressor"):
        X, y = _data(name, n_samples)
        for setting in SETTINGS:
            ratios.append(compare(name, setting, X, y, args.repeats))
    geometric_mean = float(np.exp(np.mean(np.log(ratios))))
    print(f"geometric mean ratio skdeep/sklearn: {geometric_mean:.2f}")


if __name__ == "__main__":
    main()
