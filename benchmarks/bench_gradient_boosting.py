"""Gradient boosting: skdeep vs scikit-learn, side by side in one process.

Data: ``make_classification(20000, 20)`` and ``make_regression(20000, 20)``,
75/25 split; 100 trees of depth 3, learning rate 0.1, no early stopping.
References: scikit-learn's exact ``GradientBoosting*`` and its
``HistGradientBoosting*`` (same depth, iterations, learning rate, 255 bins,
``min_samples_leaf=1``, no L2, no early stopping).  Runs are interleaved and
repeated; medians and skdeep/reference time ratios are printed.

A second part times prediction against scikit-learn's exact models, for
batches of 1 to 100 000 rows (``predict_proba`` of a 3-class classifier and
``predict`` of a regressor, 100 stages of depth 3, 5000 x 20 training rows):
the best of five timings of a loop of calls per batch size.

Run ``python benchmarks/bench_gradient_boosting.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    GradientBoostingClassifier as SkGBC,
)
from sklearn.ensemble import (
    GradientBoostingRegressor as SkGBR,
)
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.model_selection import train_test_split

from skdeep.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

N_TREES, DEPTH = 100, 3


def _hist_params():
    return dict(
        max_iter=N_TREES,
        max_depth=DEPTH,
        max_leaf_nodes=None,
        min_samples_leaf=1,
        learning_rate=0.1,
        early_stopping=False,
        random_state=0,
    )


def _tasks():
    X, y = make_classification(n_samples=20000, n_features=20, random_state=0)
    clf_split = train_test_split(X, y, random_state=0)
    X, y = make_regression(n_samples=20000, n_features=20, noise=10.0, random_state=0)
    reg_split = train_test_split(X, y, random_state=0)
    gb = dict(n_estimators=N_TREES, max_depth=DEPTH, random_state=0)
    return {
        "classification (accuracy)": (
            clf_split,
            {
                "skdeep GB": lambda: GradientBoostingClassifier(**gb),
                "sklearn GB": lambda: SkGBC(**gb),
                "sklearn HistGB": lambda: HistGradientBoostingClassifier(
                    **_hist_params()
                ),
            },
        ),
        "regression (R^2)": (
            reg_split,
            {
                "skdeep GB": lambda: GradientBoostingRegressor(**gb),
                "sklearn GB": lambda: SkGBR(**gb),
                "sklearn HistGB": lambda: HistGradientBoostingRegressor(
                    **_hist_params()
                ),
            },
        ),
    }


def _run_task(split, makers, repeats):
    X_tr, X_te, y_tr, y_te = split
    times = {name: [] for name in makers}
    scores = {}
    for _ in range(repeats):
        for name, make in makers.items():  # interleaved: same machine load
            model = make()
            start = time.perf_counter()
            model.fit(X_tr, y_tr)
            times[name].append(time.perf_counter() - start)
            scores[name] = model.score(X_te, y_te)
    return {name: float(np.median(t)) for name, t in times.items()}, scores


def _call_seconds(method, rows):
    """Best of five timings of ``method(rows)`` (looped for small batches)."""
    loops = max(3, min(200, 20000 // rows.shape[0]))
    best = np.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(loops):
            method(rows)
        best = min(best, (time.perf_counter() - start) / loops)
    return best


def prediction_latency(sizes=(1, 10, 100, 1000, 10000, 100000)):
    """Time prediction on batches of ``sizes`` rows; print and return ratios."""
    X, y = make_classification(5000, 20, n_informative=10, n_classes=3, random_state=0)
    X_reg, y_reg = make_regression(5000, 20, random_state=0)
    cases = {
        "3-class predict_proba": (
            X, y, GradientBoostingClassifier, SkGBC, "predict_proba"
        ),
        "regression predict": (
            X_reg, y_reg, GradientBoostingRegressor, SkGBR, "predict"
        ),
    }  # fmt: skip
    ratios = {}
    rng = np.random.default_rng(1)
    print("\nPrediction time per call, skdeep vs scikit-learn's exact GB")
    for task, (X_fit, y_fit, ours_cls, ref_cls, method) in cases.items():
        ours = getattr(ours_cls(random_state=0).fit(X_fit, y_fit), method)
        ref = getattr(ref_cls(random_state=0).fit(X_fit, y_fit), method)
        for n_rows in sizes:
            rows = rng.normal(size=(n_rows, 20)) * X_fit.std(0) + X_fit.mean(0)
            t_ours = _call_seconds(ours, rows)
            t_ref = _call_seconds(ref, rows)
            ratios[task, n_rows] = t_ours / t_ref
            print(
                f"  {task:<22} {n_rows:>6} rows  skdeep {t_ours * 1e3:9.3f} ms  "
                f"sklearn {t_ref * 1e3:9.3f} ms  ratio {t_ours / t_ref:5.2f}"
            )
    return ratios


def main(repeats=3):
    """Run the benchmark and print a table; returns the measured figures.

    Parameters
    ----------
    repeats : int, default=3
        Interleaved repetitions per model (medians are reported).

    Returns
    -------
    results : dict
        ``task -> {"times": {...}, "scores": {...}, "ratios": {...}}``.
    """
    results = {}
    print(f"Gradient boosting, {N_TREES} trees of depth {DEPTH}, 15000 train rows")
    for task, (split, makers) in _tasks().items():
        times, scores = _run_task(split, makers, repeats)
        ours = times["skdeep GB"]
        ratios = {
            f"skdeep / {name}": ours / t
            for name, t in times.items()
            if name != "skdeep GB"
        }
        results[task] = {"times": times, "scores": scores, "ratios": ratios}
        print(f"\n{task}")
        for name in makers:
            print(f"  {name:<16} fit {times[name]:7.2f} s   score {scores[name]:.4f}")
        for name, ratio in ratios.items():
            print(f"  time ratio {name:<26} {ratio:6.2f}")
    results["prediction"] = prediction_latency()
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    main(parser.parse_args().repeats)
