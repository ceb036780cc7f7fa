"""Bagging, AdaBoost and stacking: skdeep vs scikit-learn, side by side.

Data: ``make_classification(20000, 20)`` and ``make_regression(20000, 20)``,
75/25 split.  Models (identical members and seeds on both sides):

* Bagging: 50 unpruned decision trees;
* AdaBoost: 200 decision stumps;
* Stacking: 3 members (linear model, depth-8 tree, naive Bayes / k-NN) with
  ``cv=5`` and the default final estimator.

The members dominate the cost, so the target is a time ratio near 1 (at most
1.1).  Runs are interleaved and repeated; medians and skdeep/sklearn time
ratios are printed with the test scores.  At the end, the gradient-boosting
benchmark (``bench_gradient_boosting.py``) runs too, if it is present, so one
command covers the whole ensemble package.

Run ``python benchmarks/bench_ensemble.py [--repeats N] [--no-gradient-boosting]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np
from sklearn import ensemble as sk
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdeep import ensemble as ours


def _classification_models():
    def stack_members():
        return [
            ("lr", make_pipeline(StandardScaler(), LogisticRegression())),
            ("tree", DecisionTreeClassifier(max_depth=8, random_state=0)),
            ("nb", GaussianNB()),
        ]

    return {
        "Bagging (50 trees)": lambda lib: lib.BaggingClassifier(
            n_estimators=50, random_state=0
        ),
        "AdaBoost (200 stumps)": lambda lib: lib.AdaBoostClassifier(
            DecisionTreeClassifier(max_depth=1), n_estimators=200, random_state=0
        ),
        "Stacking (3 members, cv=5)": lambda lib: lib.StackingClassifier(
            stack_members(), cv=5
        ),
    }


def _regression_models():
    def stack_members():
        return [
            ("ridge", Ridge()),
            ("tree", DecisionTreeRegressor(max_depth=8, random_state=0)),
            ("knn", KNeighborsRegressor()),
        ]

    return {
        "Bagging (50 trees)": lambda lib: lib.BaggingRegressor(
            n_estimators=50, random_state=0
        ),
        "AdaBoost (200 stumps)": lambda lib: lib.AdaBoostRegressor(
            DecisionTreeRegressor(max_depth=1), n_estimators=200, random_state=0
        ),
        "Stacking (3 members, cv=5)": lambda lib: lib.StackingRegressor(
            stack_members(), cv=5
        ),
    }


def _tasks():
    X, y = make_classification(n_samples=20000, n_features=20, random_state=0)
    clf_split = train_test_split(X, y, random_state=0)
    X, y = make_regression(n_samples=20000, n_features=20, noise=10.0, random_state=0)
    reg_split = train_test_split(X, y, random_state=0)
    return {
        "classification (accuracy)": (clf_split, _classification_models()),
        "regression (R^2)": (reg_split, _regression_models()),
    }


def _time_pair(make, split, repeats):
    """Interleaved fits of skdeep and sklearn; median fit seconds and scores."""
    X_tr, X_te, y_tr, y_te = split
    times = {"skdeep": [], "sklearn": []}
    scores = {}
    for _ in range(repeats):
        for side, lib in (("skdeep", ours), ("sklearn", sk)):
            model = make(lib)
            start = time.perf_counter()
            model.fit(X_tr, y_tr)
            times[side].append(time.perf_counter() - start)
            scores[side] = model.score(X_te, y_te)
    return {side: float(np.median(t)) for side, t in times.items()}, scores


def _run_gradient_boosting(repeats):
    path = Path(__file__).with_name("bench_gradient_boosting.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("bench_gradient_boosting", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print()
    return module.main(repeats)


def main(repeats=3, gradient_boosting=True):
    """Run the benchmark and print a table; returns the measured figures.

    Parameters
    ----------
    repeats : int, default=3
        Interleaved repetitions per model (medians are reported).
    gradient_boosting : bool, default=True
        Also run ``bench_gradient_boosting.main`` when that file exists.

    Returns
    -------
    results : dict
        ``task -> model -> {"times", "scores", "ratio"}``, plus
        ``"gradient boosting"`` with that benchmark's results.
    """
    results = {}
    print(f"Ensembles, skdeep vs sklearn, 15000 train rows, median of {repeats}")
    for task, (split, models) in _tasks().items():
        print(f"\n{task}")
        print(
            f"  {'model':<28}{'skdeep s':>10}{'sklearn s':>11}{'ratio':>8}"
            f"{'skdeep score':>14}{'sklearn score':>15}"
        )
        results[task] = {}
        for name, make in models.items():
            times, scores = _time_pair(make, split, repeats)
            ratio = times["skdeep"] / times["sklearn"]
            results[task][name] = {"times": times, "scores": scores, "ratio": ratio}
            print(
                f"  {name:<28}{times['skdeep']:>10.2f}{times['sklearn']:>11.2f}"
                f"{ratio:>8.2f}{scores['skdeep']:>14.4f}{scores['sklearn']:>15.4f}",
                flush=True,
            )
    if gradient_boosting:
        gb = _run_gradient_boosting(repeats)
        if gb is not None:
            results["gradient boosting"] = gb
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-gradient-boosting", action="store_true")
    args = parser.parse_args()
    main(args.repeats, gradient_boosting=not args.no_gradient_boosting)
