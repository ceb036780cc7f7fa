"""Benchmark skdeep's KMeans against scikit-learn's on data of many shapes.

Run ``python benchmarks/bench_kmeans_shapes.py [--repeats 5]``.
``bench_cluster.py`` times the issue's blobs, where the triangle-inequality
bounds skip most distance rows after a few iterations.  Here most data sets
have no cluster structure (uniform, ``make_classification``), so a fit runs
tens to hundreds of iterations in which most samples stay candidates, and the
fixed cost of an iteration shows: the distance pass, the label scan, the
bound bookkeeping and the cluster sums.  Each case fits both libraries
alternately (k-means++, ``n_init=1``, same seed) with ``algorithm="lloyd"``
and ``"elkan"``, and prints the median times, the ratio skdeep/sklearn (lower
is better), the iterations and the inertia ratio (1 means the same local
optimum).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from sklearn import cluster as sk_cluster
from sklearn.datasets import load_digits, make_blobs, make_classification

from skdeep import cluster as sd_cluster


def _cases():
    rng = np.random.RandomState(0)
    yield "uniform 20000x10, k=8, float32", rng.rand(20000, 10).astype(np.float32), 8
    yield "uniform 20000x10, k=8", rng.rand(20000, 10), 8
    yield "uniform 10000x5, k=50", rng.rand(10000, 5), 50
    yield "uniform 50000x2, k=5", rng.rand(50000, 2), 5
    yield "uniform 40000x20, k=8", rng.rand(40000, 20), 8
    yield "uniform 100000x10, k=8", rng.rand(100000, 10), 8
    X = make_blobs(100000, 10, centers=8, cluster_std=3.0, random_state=0)[0]
    yield "blobs 100000x10 (std 3), k=8", X, 8
    X = make_blobs(50000, 5, centers=20, cluster_std=2.0, random_state=0)[0]
    yield "blobs 50000x5 (std 2), k=20", X, 20
    yield (
        "classification 20000x20, k=8",
        make_classification(20000, 20, random_state=0)[0],
        8,
    )
    yield "digits, k=10", load_digits().data, 10


def compare(name, X, n_clusters, algorithm, repeats):
    """Alternate fits, print the medians and ratio; return the ratio."""
    times = {"skdeep": [], "sklearn": []}
    fitted = {}
    for _ in range(repeats):
        for label, module in (("sklearn", sk_cluster), ("skdeep", sd_cluster)):
            model = module.KMeans(
                n_clusters, n_init=1, random_state=0, algorithm=algorithm
            )
            start = time.perf_counter()
            model.fit(X)
            times[label].append(time.perf_counter() - start)
            fitted[label] = model
    ours, theirs = (statistics.median(times[k]) for k in ("skdeep", "sklearn"))
    ratio = ours / theirs
    print(
        f"{name:32s} {algorithm:5s}  skdeep {ours * 1e3:7.1f} ms  "
        f"sklearn {theirs * 1e3:7.1f} ms  ratio {ratio:5.2f}  "
        f"iterations {fitted['skdeep'].n_iter_}/{fitted['sklearn'].n_iter_}  "
        f"inertia ratio {fitted['skdeep'].inertia_ / fitted['sklearn'].inertia_:.4f}",
        flush=True,
    )
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    ratios = []
    for name, X, n_clusters in _cases():
        for algorithm in ("lloyd", "elkan"):
            ratios.append(compare(name, X, n_clusters, algorithm, args.repeats))
    print(f"geometric mean ratio skdeep/sklearn: {np.exp(np.mean(np.log(ratios))):.2f}")


if __name__ == "__main__":
    main()
