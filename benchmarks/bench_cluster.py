"""Benchmark skdeep.cluster against scikit-learn, side by side in one process.

Run ``python benchmarks/bench_cluster.py [--repeats 3] [--quick]``.  Each case
fits skdeep and scikit-learn alternately ``repeats`` times and prints the
median times, the ratio skdeep/sklearn (lower is better) and a quality figure
(inertia ratio for k-means, adjusted Rand index between the two label sets for
DBSCAN).  The last case measures peak Python heap memory (tracemalloc) of
DBSCAN at a large ``eps``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
from sklearn import cluster as sk_cluster
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from skdeep import cluster as sd_cluster


def _timed(make, X):
    start = time.perf_counter()
    model = make().fit(X)
    return time.perf_counter() - start, model


def compare(name, X, make_ours, make_ref, quality, repeats):
    """Alternate fits, print medians, ratio and quality; return the ratio."""
    ours_t, ref_t, qualities = [], [], []
    for _ in range(repeats):
        t_ref, ref = _timed(make_ref, X)
        t_ours, ours = _timed(make_ours, X)
        ours_t.append(t_ours)
        ref_t.append(t_ref)
        qualities.append(quality(ours, ref))
    ratio = statistics.median(ours_t) / statistics.median(ref_t)
    print(
        f"{name:<44} skdeep {statistics.median(ours_t):7.3f}s  "
        f"sklearn {statistics.median(ref_t):7.3f}s  ratio {ratio:5.2f}  "
        f"{quality.__name__} {statistics.median(qualities):.4f}"
    )
    return ratio


def inertia_ratio(ours, ref):
    return ours.inertia_ / ref.inertia_


def ari(ours, ref):
    return adjusted_rand_score(ours.labels_, ref.labels_)


def peak_memory(make, X):
    """Peak traced allocation (MiB) while fitting."""
    tracemalloc.start()
    make().fit(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def kmeans_cases(repeats, n_samples):
    X, _ = make_blobs(
        n_samples, n_features=50, centers=20, cluster_std=4.0, random_state=0
    )
    for algorithm in ("lloyd", "elkan"):
        compare(
            f"KMeans {algorithm} {n_samples}x50 k=20 n_init=1",
            X,
            lambda a=algorithm: sd_cluster.KMeans(
                20, n_init=1, random_state=0, algorithm=a
            ),
            lambda a=algorithm: sk_cluster.KMeans(
                20, n_init=1, random_state=0, algorithm=a
            ),
            inertia_ratio,
            repeats,
        )
    X32 = X.astype(np.float32)
    compare(
        f"KMeans lloyd float32 {n_samples}x50 k=20",
        X32,
        lambda: sd_cluster.KMeans(20, n_init=1, random_state=0),
        lambda: sk_cluster.KMeans(20, n_init=1, random_state=0),
        inertia_ratio,
        repeats,
    )
    compare(
        f"MiniBatchKMeans {n_samples}x50 k=20",
        X,
        lambda: sd_cluster.MiniBatchKMeans(20, random_state=0, n_init=1),
        lambda: sk_cluster.MiniBatchKMeans(20, random_state=0, n_init=1),
        inertia_ratio,
        repeats,
    )


def dbscan_cases(repeats, scale):
    X2, _ = make_blobs(int(50000 * scale), n_features=2, centers=6, random_state=0)
    compare(
        f"DBSCAN {X2.shape[0]}x2 eps=0.1 min_samples=10",
        X2,
        lambda: sd_cluster.DBSCAN(eps=0.1, min_samples=10),
        lambda: sk_cluster.DBSCAN(eps=0.1, min_samples=10),
        ari,
        repeats,
    )
    X10, _ = make_blobs(int(20000 * scale), n_features=10, centers=6, random_state=0)
    compare(
        f"DBSCAN {X10.shape[0]}x10 eps=1.5 min_samples=10",
        X10,
        lambda: sd_cluster.DBSCAN(eps=1.5, min_samples=10),
        lambda: sk_cluster.DBSCAN(eps=1.5, min_samples=10),
        ari,
        repeats,
    )
    big = X2[: int(20000 * scale)]
    ours = peak_memory(lambda: sd_cluster.DBSCAN(eps=3.0, min_samples=10), big)
    ref = peak_memory(lambda: sk_cluster.DBSCAN(eps=3.0, min_samples=10), big)
    print(
        f"DBSCAN peak memory {big.shape[0]}x2 eps=3.0: skdeep {ours:8.1f} MiB  "
        f"sklearn {ref:8.1f} MiB  ratio {ours / ref:5.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10x smaller data")
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    kmeans_cases(args.repeats, int(100_000 * scale))
    dbscan_cases(args.repeats, scale)


if __name__ == "__main__":
    main()
