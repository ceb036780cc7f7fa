"""skdeep.cluster."""

from ._dbscan import DBSCAN, dbscan
from ._k_selection import select_n_clusters
from ._kmeans import KMeans, k_means
from ._kmeans_plusplus import kmeans_plusplus
from ._minibatch_kmeans import MiniBatchKMeans

__all__ = [
    "DBSCAN",
    "KMeans",
    "MiniBatchKMeans",
    "dbscan",
    "k_means",
    "kmeans_plusplus",
    "select_n_clusters",
]
