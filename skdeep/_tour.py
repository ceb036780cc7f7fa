"""The demo tour behind ``python -m skdeep``.

Each entry fits one skdeep estimator inside a :class:`~sklearn.pipeline.Pipeline`
on a bundled or generated data set, and the tour prints one results table.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_blobs,
    make_moons,
)
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


@dataclass
class TourEntry:
    """One line of the tour: an estimator factory and the data it is shown on."""

    name: str
    dataset: str
    make_estimator: Callable[[], object]
    metric: str = "score"  # "score" (estimator.score on the test split) or "ari"
    min_score: float = 0.5  # the quality the tour test holds the entry to


def _datasets():
    def moons():
        X, y = make_moons(600, noise=0.06, random_state=0)
        return X, y

    def blobs():
        return make_blobs(1500, centers=5, n_features=8, random_state=0)

    return {
        "digits": lambda: load_digits(return_X_y=True),
        "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
        "wine": lambda: load_wine(return_X_y=True),
        "diabetes": lambda: load_diabetes(return_X_y=True),
        "blobs(1500, 8)": blobs,
        "moons(600)": moons,
    }


# (estimator, data set, constructor parameters or a builder taking ``get``, metric)
_CANDIDATES = [
    ("Perceptron", "breast_cancer", {"random_state": 0}, "score"),
    (
        "MLPClassifier",
        "digits",
        {"hidden_layer_sizes": (128,), "max_iter": 60, "random_state": 0},
        "score",
    ),
    ("MLPRegressor", "diabetes", "_mlp_regressor", "score"),
    ("KMeans", "blobs(1500, 8)", {"n_clusters": 5, "random_state": 0}, "ari"),
    ("MiniBatchKMeans", "blobs(1500, 8)", {"n_clusters": 5, "random_state": 0}, "ari"),
    ("DBSCAN", "moons(600)", {"eps": 0.3}, "ari"),
    (
        "BaggingClassifier",
        "breast_cancer",
        {"n_estimators": 20, "random_state": 0},
        "score",
    ),
    ("BaggingRegressor", "diabetes", {"n_estimators": 20, "random_state": 0}, "score"),
    (
        "AdaBoostClassifier",
        "breast_cancer",
        {"n_estimators": 100, "random_state": 0},
        "score",
    ),
    ("AdaBoostRegressor", "diabetes", {"n_estimators": 50, "random_state": 0}, "score"),
    ("GradientBoostingClassifier", "wine", {"random_state": 0}, "score"),
    (
        "GradientBoostingRegressor",
        "diabetes",
        {"learning_rate": 0.05, "random_state": 0},
        "score",
    ),
    ("VotingClassifier", "wine", "_voting_classifier", "score"),
    ("VotingRegressor", "diabetes", "_voting_regressor", "score"),
    ("StackingClassifier", "wine", "_stacking_classifier", "score"),
    ("StackingRegressor", "diabetes", "_stacking_regressor", "score"),
    ("PCA", "digits", "_pca_mlp", "score"),
    ("IncrementalPCA", "digits", "_ipca_mlp", "score"),
]


def _entries():
    import skdeep

    def get(name):
        return getattr(skdeep, name)

    def factory(name, how):
        if isinstance(how, str):  # a builder defined in this module
            return lambda: globals()[how](get)
        return lambda: get(name)(**how)

    entries = []
    for name, dataset, how, metric in _CANDIDATES:
        if name in skdeep.__all__:
            floor = 0.3 if dataset == "diabetes" else 0.5 if metric == "ari" else 0.8
            entries.append(TourEntry(name, dataset, factory(name, how), metric, floor))
    return entries


def _mlp_regressor(get):
    from sklearn.compose import TransformedTargetRegressor

    # Standardising the target as well lets the default-scale weights fit it.
    net = get("MLPRegressor")(
        hidden_layer_sizes=(10,),
        solver="lbfgs",
        alpha=10.0,
        max_iter=500,
        random_state=0,
    )
    return TransformedTargetRegressor(regressor=net, transformer=StandardScaler())


def _voting_classifier(get):
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.tree import DecisionTreeClassifier

    members = [
        ("lr", LogisticRegression(max_iter=1000)),
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=4, random_state=0)),
    ]
    return get("VotingClassifier")(members, voting="soft")


def _voting_regressor(get):
    from sklearn.linear_model import Ridge
    from sklearn.tree import DecisionTreeRegressor

    members = [("ridge", Ridge()), ("tree", DecisionTreeRegressor(max_depth=4))]
    return get("VotingRegressor")(members)


def _stacking_classifier(get):
    from sklearn.naive_bayes import GaussianNB
    from sklearn.tree import DecisionTreeClassifier

    members = [
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=4, random_state=0)),
    ]
    return get("StackingClassifier")(members)


def _stacking_regressor(get):
    from sklearn.linear_model import Ridge
    from sklearn.tree import DecisionTreeRegressor

    members = [("ridge", Ridge()), ("tree", DecisionTreeRegressor(max_depth=4))]
    return get("StackingRegressor")(members)


def _pca_mlp(get):
    return [get("PCA")(n_components=0.95), _small_mlp(get)]


def _ipca_mlp(get):
    return [get("IncrementalPCA")(n_components=40, batch_size=400), _small_mlp(get)]


def _small_mlp(get):
    if "MLPClassifier" in __import__("skdeep").__all__:
        return get("MLPClassifier")(
            hidden_layer_sizes=(64,), max_iter=60, random_state=0
        )
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000)


def _run_entry(entry, data):
    X, y = data
    estimator = entry.make_estimator()
    steps = estimator if isinstance(estimator, list) else [estimator]
    pipe = make_pipeline(StandardScaler(), *steps)
    if entry.metric == "ari":
        start = time.perf_counter()
        labels = pipe.fit_predict(X)
        seconds = time.perf_counter() - start
        return adjusted_rand_score(y, labels), "ARI", seconds
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=42
    )
    start = time.perf_counter()
    pipe.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    kind = "R2" if np.issubdtype(np.asarray(y).dtype, np.floating) else "accuracy"
    return pipe.score(X_test, y_test), kind, seconds


def run_tour(stream=None) -> list[tuple]:
    """Fit every implemented estimator and print a results table.

    Parameters
    ----------
    stream : file-like, default=sys.stdout
        Where progress lines and the table go.

    Returns
    -------
    rows : list of tuple
        ``(estimator, data set, metric, score, fit seconds)`` per entry.
    """
    import sys

    stream = sys.stdout if stream is None else stream
    datasets = _datasets()
    entries = _entries()
    rows = []
    for i, entry in enumerate(entries, 1):
        print(
            f"[{i}/{len(entries)}] {entry.name} on {entry.dataset} ...",
            file=stream,
            flush=True,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            score, kind, seconds = _run_entry(entry, datasets[entry.dataset]())
        rows.append((entry.name, entry.dataset, kind, score, seconds))
    _print_table(rows, stream)
    return rows


def _print_table(rows, stream):
    header = ("estimator", "data set", "metric", "test score", "fit seconds")
    body = [(n, d, k, f"{s:.3f}", f"{t:.2f}") for n, d, k, s, t in rows]
    widths = [max(len(str(r[c])) for r in [header, *body]) for c in range(5)]
    line = "  ".join("-" * w for w in widths)
    print("\n" + "  ".join(h.ljust(w) for h, w in zip(header, widths)), file=stream)
    print(line, file=stream)
    for r in body:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)), file=stream)
