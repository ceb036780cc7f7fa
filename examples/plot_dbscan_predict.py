"""DBSCAN on two moons: core, border and noise samples, and predict.

:class:`skdeep.cluster.DBSCAN` finds the two moons without being told how many
clusters there are, labels outliers as noise (-1), and — unlike
scikit-learn's DBSCAN — can label new points with ``predict``.  Saves
``dbscan_predict.png`` when matplotlib is installed.
"""

import numpy as np
from sklearn.datasets import make_moons
from sklearn.metrics import adjusted_rand_score

from skdeep.cluster import DBSCAN

X, y = make_moons(600, noise=0.07, random_state=0)
rng = np.random.RandomState(0)
outliers = rng.uniform(-1.5, 2.5, size=(30, 2))
X_train = np.vstack([X, outliers])

db = DBSCAN(eps=0.15, min_samples=8).fit(X_train)
is_core = np.zeros(len(X_train), dtype=bool)
is_core[db.core_sample_indices_] = True
is_noise = db.labels_ == -1
print(f"clusters: {db.labels_.max() + 1}")
print(
    f"core {is_core.sum()}, border {(~is_core & ~is_noise).sum()}, "
    f"noise {is_noise.sum()}"
)
print(f"ARI on the moons: {adjusted_rand_score(y, db.labels_[: len(X)]):.3f}")

X_new = rng.uniform(-1.5, 2.5, size=(400, 2))
new_labels = db.predict(X_new)
print(
    f"new points: {np.bincount(new_labels + 1)[1:]} per cluster, "
    f"{(new_labels == -1).sum()} noise"
)

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is not None:
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    colors = np.where(is_noise, -1, db.labels_)
    axes[0].scatter(*X_train[is_core].T, c=colors[is_core], s=12, cmap="coolwarm")
    border = ~is_core & ~is_noise
    axes[0].scatter(
        *X_train[border].T, c=colors[border], s=12, marker="^", cmap="coolwarm"
    )
    axes[0].scatter(*X_train[is_noise].T, c="black", s=12, marker="x")
    axes[0].set_title("fit: core (dots), border (triangles), noise (x)")
    axes[1].scatter(*X_new.T, c=new_labels, s=10, cmap="coolwarm")
    axes[1].set_title("predict on new points (-1 = noise)")
    fig.tight_layout()
    fig.savefig("dbscan_predict.png", dpi=90)
    print("saved dbscan_predict.png")
