"""PCA and IncrementalPCA: skdeep vs scikit-learn, side by side in one process.

Cases (issue 6):

* 20 000 x 500 (rank 50 + noise), ``n_components=50``, every ``svd_solver``;
* 200 000 x 100, ``svd_solver="covariance_eigh"``;
* IncrementalPCA on a ``numpy.memmap`` (100 000 x 100, default batch size).

Runs are interleaved (the side that goes first alternates) and the median of
``--repeats`` runs is reported with the time ratio skdeep / scikit-learn (below
1 means skdeep is faster) and the explained-variance sums of both models.

Usage::

    python benchmarks/bench_pca.py [--repeats 5] [--threads N] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np
from sklearn import decomposition as sk_decomposition
from threadpoolctl import threadpool_limits

from skdeep import decomposition as sd_decomposition


def low_rank_plus_noise(n_samples, n_features, rank, seed=0):
    rng = np.random.default_rng(seed)
    scales = np.linspace(20.0, 2.0, rank)
    X = (rng.standard_normal((n_samples, rank)) * scales) @ rng.standard_normal(
        (rank, n_features)
    )
    X += rng.standard_normal((n_samples, n_features))
    return X + rng.uniform(-5, 5, n_features)


def timed(make_estimator, X):
    start = time.perf_counter()
    estimator = make_estimator().fit(X)
    return time.perf_counter() - start, estimator


def compare(name, make_ours, make_ref, X, repeats):
    ours_times, ref_times = [], []
    for repeat in range(repeats):
        # Alternate who goes first so that neither side always inherits the
        # other's cache and memory state.
        order = ["ours", "ref"] if repeat % 2 == 0 else ["ref", "ours"]
        for side in order:
            if side == "ours":
                elapsed, ours = timed(make_ours, X)
                ours_times.append(elapsed)
            else:
                elapsed, ref = timed(make_ref, X)
                ref_times.append(elapsed)
    ours_t, ref_t = statistics.median(ours_times), statistics.median(ref_times)
    print(
        f"{name:<34} {ours_t:9.3f} {ref_t:9.3f} {ours_t / ref_t:7.2f}"
        f" {ours.explained_variance_.sum():14.6g}"
        f" {ref.explained_variance_.sum():14.6g}"
    )
    return ours_t / ref_t


def pca_cases(scale, repeats):
    n = int(20_000 * scale)
    X = low_rank_plus_noise(n, 500, 50)
    ratios = {}
    for solver in ["full", "covariance_eigh", "arpack", "randomized", "auto"]:
        params = dict(n_components=50, svd_solver=solver, random_state=0)
        ratios[f"PCA {solver} {n}x500"] = compare(
            f"PCA {solver} {n}x500 k=50",
            lambda params=params: sd_decomposition.PCA(**params),
            lambda params=params: sk_decomposition.PCA(**params),
            X,
            repeats,
        )
    n_tall = int(200_000 * scale)
    X = low_rank_plus_noise(n_tall, 100, 20, seed=1)
    params = dict(n_components=10, svd_solver="covariance_eigh")
    ratios[f"PCA covariance_eigh {n_tall}x100"] = compare(
        f"PCA covariance_eigh {n_tall}x100 k=10",
        lambda: sd_decomposition.PCA(**params),
        lambda: sk_decomposition.PCA(**params),
        X,
        repeats,
    )
    return ratios


def memmap_case(scale, repeats):
    n = int(100_000 * scale)
    X = low_rank_plus_noise(n, 100, 20, seed=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "X.dat")
        writer = np.memmap(path, dtype=np.float64, mode="w+", shape=X.shape)
        writer[:] = X
        writer.flush()
        del writer, X
        mm = np.memmap(path, dtype=np.float64, mode="r", shape=(n, 100))
        ratio = compare(
            f"IncrementalPCA memmap {n}x100 k=10",
            lambda: sd_decomposition.IncrementalPCA(n_components=10),
            lambda: sk_decomposition.IncrementalPCA(n_components=10),
            mm,
            repeats,
        )
        del mm
    return {f"IncrementalPCA memmap {n}x100": ratio}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads")
    parser.add_argument("--scale", type=float, default=1.0, help="scale n_samples")
    args = parser.parse_args()
    print(
        f"{'case':<34} {'skdeep s':>9} {'sklearn s':>9} {'ratio':>7}"
        f" {'sum(var) ours':>14} {'sum(var) skl':>14}"
    )
    with threadpool_limits(limits=args.threads, user_api="blas"):
        ratios = pca_cases(args.scale, args.repeats)
        ratios.update(memmap_case(args.scale, args.repeats))
    worst = max(ratios, key=ratios.get)
    print(f"\nworst ratio: {ratios[worst]:.2f} ({worst}); target <= 1.0")


if __name__ == "__main__":
    main()
