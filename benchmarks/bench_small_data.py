"""Benchmark every skdeep estimator against scikit-learn on the bundled data sets.

Run ``python benchmarks/bench_small_data.py [--repeats 5]``.  The other scripts
time large data, where the per-call work dominates; here the data sets are
small (iris, wine, breast cancer, digits, diabetes, standardised), so fixed
costs per iteration, tree or window show.  Each line fits skdeep's and
scikit-learn's estimator of the same name with the same (default) parameters
alternately ``repeats`` times and prints the best times, the ratio
skdeep/sklearn (lower is better) and both training scores.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn import cluster as sk_cluster
from sklearn import decomposition as sk_decomposition
from sklearn import ensemble as sk_ensemble
from sklearn import linear_model as sk_linear
from sklearn import neural_network as sk_neural
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from sklearn.preprocessing import StandardScaler

import skdeep

_CLASSIFICATION = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
}


def _best_time(make, X, y, repeats):
    best, model = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        model = make().fit(X, y)
        best = min(best, time.perf_counter() - start)
    return best, model


def _score(model, X, y):
    if hasattr(model, "score") and y is not None:
        return model.score(X, y)
    if hasattr(model, "inertia_"):
        return -model.inertia_
    if hasattr(model, "explained_variance_ratio_"):
        return model.explained_variance_ratio_.sum()
    return float(len(set(model.labels_)))  # DBSCAN: number of labels


def compare(label, name, params, X, y, repeats):
    """Fit skdeep's and sklearn's ``name`` alternately; print one line."""
    ours_cls = getattr(skdeep, name)
    ref_cls = next(
        getattr(module, name)
        for module in (
            sk_neural,
            sk_linear,
            sk_cluster,
            sk_decomposition,
            sk_ensemble,
        )
        if hasattr(module, name)
    )
    t_ref, ref = _best_time(lambda: ref_cls(**params), X, y, repeats)
    t_ours, ours = _best_time(lambda: ours_cls(**params), X, y, repeats)
    print(
        f"{name:<28} {label:<14} sklearn {t_ref * 1e3:8.1f} ms  skdeep "
        f"{t_ours * 1e3:8.1f} ms  ratio {t_ours / t_ref:5.2f}  score "
        f"{_score(ours, X, y):.4f} / {_score(ref, X, y):.4f}",
        flush=True,
    )
    return t_ours / t_ref


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args, _ = parser.parse_known_args(argv)
    warnings.simplefilter("ignore")  # convergence warnings of short fits
    seed = {"random_state": 0}
    ratios = []
    for label, loader in _CLASSIFICATION.items():
        X, y = loader(return_X_y=True)
        X = StandardScaler().fit_transform(X)
        for name, params in (
            ("MLPClassifier", seed),
            ("MLPClassifier", {**seed, "solver": "lbfgs"}),
            ("Perceptron", seed),
            ("AdaBoostClassifier", seed),
            ("BaggingClassifier", seed),
            ("GradientBoostingClassifier", seed),
        ):
            tag = label + (" lbfgs" if params.get("solver") == "lbfgs" else "")
            ratios.append(compare(tag, name, params, X, y, args.repeats))
        for name, params in (
            ("KMeans", {**seed, "n_clusters": 3}),
            ("DBSCAN", {"eps": 2.0}),
            ("PCA", {"n_components": 2}),
        ):
            ratios.append(compare(label, name, params, X, None, args.repeats))
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    for name in (
        "MLPRegressor",
        "AdaBoostRegressor",
        "BaggingRegressor",
        "GradientBoostingRegressor",
    ):
        params = dict(seed, max_iter=500) if name == "MLPRegressor" else seed
        ratios.append(compare("diabetes", name, params, X, y, args.repeats))
    geometric_mean = float(np.exp(np.mean(np.log(ratios))))
    print(f"geometric mean ratio skdeep/sklearn: {geometric_mean:.2f}")


if __name__ == "__main__":
    main()
