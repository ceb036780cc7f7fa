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
import subprocess
import sys
import time

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


_MEMORY_SCRIPT = """
import numpy as np
from sklearn.datasets import make_blobs
from {module} import DBSCAN


def status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])


X, _ = make_blobs({n}, n_features=2, centers=6, random_state=0)
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # reset the peak-RSS high-water mark (Linux)
before = status_kib("VmRSS")
DBSCAN(eps={eps}, min_samples=10).fit(X)
print((status_kib("VmHWM") - before) / 1024)
"""


def peak_memory(module, n_samples, eps):
    """Peak resident memory (MiB) above the pre-fit level, in a fresh process.

    A subprocess per library makes the peak comparable: tracemalloc would miss
    the memory scikit-learn's compiled neighbour search allocates.
    """
    script = _MEMORY_SCRIPT.format(module=module, n=n_samples, eps=eps)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


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
    # float32 input; then no cluster structure: many iterations, where the
    # bounds prune little.
    U = np.random.RandomState(0).rand(max(n_samples // 4, 1000), 16)
    for label, data, k in (
        (f"float32 {n_samples}x50 k=20", X.astype(np.float32), 20),
        (f"uniform {U.shape[0]}x16 k=8", U, 8),
    ):
        compare(
            f"KMeans lloyd {label}",
            data,
            lambda k=k: sd_cluster.KMeans(k, n_init=1, random_state=0),
            lambda k=k: sk_cluster.KMeans(k, n_init=1, random_state=0),
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
    # (n_samples, n_features, centres, eps, min_samples); above 16 features
    # skdeep uses brute-force distance blocks instead of a tree.
    cases = ((50000, 2, 6, 0.2, 10), (20000, 10, 6, 2.5, 10), (20000, 32, 10, 5.0, 5))
    for n_samples, n_features, centers, eps, min_samples in cases:
        X, _ = make_blobs(
            int(n_samples * scale), n_features=n_features, centers=centers,
            random_state=0,
        )  # fmt: skip
        params = dict(eps=eps, min_samples=min_samples)
        compare(
            f"DBSCAN {X.shape[0]}x{n_features} eps={eps} min_samples={min_samples}",
            X,
            lambda p=params: sd_cluster.DBSCAN(**p),
            lambda p=params: sk_cluster.DBSCAN(**p),
            ari,
            repeats,
        )
    n_big = int(20000 * scale)
    ours = peak_memory("skdeep.cluster", n_big, 3.0)
    ref = peak_memory("sklearn.cluster", n_big, 3.0)
    print(
        f"DBSCAN peak memory added {n_big}x2 eps=3.0: skdeep {ours:8.1f} MiB  "
        f"sklearn {ref:8.1f} MiB  ratio {ours / max(ref, 1e-9):5.2f}"
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
