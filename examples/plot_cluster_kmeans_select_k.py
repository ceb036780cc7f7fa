"""Choosing k for k-means: clusters, elbow curve and silhouette curve.

Fits :class:`skdeep.cluster.KMeans` for k = 1..9 on blobs with five centres
through :func:`skdeep.cluster.select_n_clusters`, prints inertia and mean
silhouette per k with the two suggested values, and (when matplotlib is
installed) saves the clusters and both curves to ``kmeans_select_k.png``.
"""

from sklearn.datasets import make_blobs

from skdeep.cluster import select_n_clusters

X, _ = make_blobs(1500, centers=5, cluster_std=0.9, random_state=3)
result = select_n_clusters(X, range(1, 10), random_state=0)

print(" k    inertia  silhouette")
for k, inertia, silhouette in zip(result.n_clusters, result.inertia, result.silhouette):
    print(f"{k:2d} {inertia:10.1f}  {silhouette:10.3f}")
print(f"elbow method: k = {result.elbow_n_clusters}")
print(f"silhouette method: k = {result.best_n_clusters_silhouette}")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is not None:
    best = result.estimators[list(result.n_clusters).index(result.elbow_n_clusters)]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    axes[0].scatter(X[:, 0], X[:, 1], c=best.labels_, s=6, cmap="tab10")
    axes[0].scatter(*best.cluster_centers_.T, c="black", marker="x", s=80)
    axes[0].set_title(f"KMeans, k = {best.n_clusters}")
    axes[1].plot(result.n_clusters, result.inertia, "o-")
    axes[1].axvline(result.elbow_n_clusters, color="grey", linestyle="--")
    axes[1].set(title="Elbow: inertia", xlabel="k", ylabel="inertia")
    axes[2].plot(result.n_clusters, result.silhouette, "o-")
    axes[2].axvline(result.best_n_clusters_silhouette, color="grey", linestyle="--")
    axes[2].set(title="Mean silhouette", xlabel="k", ylabel="silhouette")
    fig.tight_layout()
    fig.savefig("kmeans_select_k.png", dpi=90)
    print("saved kmeans_select_k.png")
