"""eps-neighbourhoods as pair lists, computed in memory-bounded pieces.

DBSCAN only ever needs the unordered pairs ``(i, j)``, ``i < j``, whose distance
is at most ``eps`` (a point is always its own neighbour, implicitly).  They
come from scipy's ``cKDTree`` for Minkowski metrics on dense data of low
dimension, and from chunked distance blocks otherwise; a precomputed (dense or
sparse) distance matrix is read row-chunk by row-chunk.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree
from sklearn.metrics import pairwise_distances

# Pair arrays are stored at once when they are expected to take less than this
# many bytes; beyond it the pairs are regenerated in chunks on every pass.
MAX_STORED_PAIR_BYTES = 2**28
_BLOCK_ENTRIES = 2**22  # entries of one (chunk, n) distance block
_TREE_MAX_FEATURES = 16
_MINKOWSKI_P = {
    "euclidean": 2.0,
    "l2": 2.0,
    "manhattan": 1.0,
    "cityblock": 1.0,
    "l1": 1.0,
    "chebyshev": np.inf,
    "infinity": np.inf,
}


def minkowski_p(metric, p, metric_params):
    """The Minkowski exponent a metric stands for, or None if it is not one."""
    if not isinstance(metric, str):
        return None
    if metric == "minkowski":
        if "p" in (metric_params or {}):
            if p is not None:
                warnings.warn(
                    "Parameter p is found in metric_params. The corresponding "
                    "parameter from __init__ is ignored.",
                    SyntaxWarning,
                    stacklevel=5,
                )
            p = metric_params["p"]
        p = 2.0 if p is None else float(p)
        if p < 1:
            raise ValueError(
                f"p must be greater than or equal to 1 for the minkowski metric; "
                f"got p={p}."
            )
        return p
    return _MINKOWSKI_P.get(metric)


def _upper_pairs(rows, cols):
    """Keep pairs with ``i < j`` (each unordered pair once, no self pairs)."""
    keep = rows < cols
    return rows[keep].astype(np.intp, copy=False), cols[keep].astype(np.intp)


class RadiusPairs:
    """Source of the ``eps``-neighbour pairs of a training set.

    Parameters
    ----------
    X : {ndarray, CSR matrix}
        Training data, or a square distance matrix when ``metric`` is
        ``"precomputed"``.
    eps : float
        Neighbourhood radius (inclusive).
    metric, p, metric_params, algorithm, n_jobs
        As in :class:`~skdeep.cluster.DBSCAN`.
    """

    def __init__(self, X, eps, metric, p, metric_params, algorithm, n_jobs):
        self.X, self.eps, self.metric = X, eps, metric
        self.metric_params = metric_params or {}
        self.n_jobs = 1 if n_jobs is None else n_jobs
        self.p = minkowski_p(metric, p, metric_params)
        self.tree = None
        if self._use_tree(algorithm):
            self.tree = cKDTree(X)

    def _use_tree(self, algorithm):
        if self.p is None or sp.issparse(self.X) or self.metric == "precomputed":
            return False
        if algorithm == "brute":
            return False
        return algorithm != "auto" or self.X.shape[1] <= _TREE_MAX_FEATURES

    def _chunk_rows(self, n_cols):
        return max(1, min(self.X.shape[0], _BLOCK_ENTRIES // max(n_cols, 1)))

    def estimated_pairs(self, random_state=0):
        """Rough number of unordered pairs (sampled for trees, exact otherwise)."""
        n = self.X.shape[0]
        if self.tree is None:
            return None
        sample = np.random.RandomState(random_state).choice(n, min(n, 500), False)
        counts = self.tree.query_ball_point(
            self.X[sample], self.eps, p=self.p, return_length=True
        )
        return float(counts.mean() - 1) * n / 2

    def iter_pairs(self):
        """Yield ``(i, j)`` index arrays, ``i < j``, covering every pair once."""
        if self.tree is not None:
            yield from self._tree_pairs()
        else:
            yield from self._block_pairs()

    def all_pairs(self):
        """Every pair at once, when a tree says they are few enough."""
        estimate = self.estimated_pairs()
        if estimate is None or estimate * 16 * 2 > MAX_STORED_PAIR_BYTES:
            return None
        pairs = self.tree.query_pairs(self.eps, p=self.p, output_type="ndarray")
        return pairs[:, 0], pairs[:, 1]

    def _tree_pairs(self):
        n = self.X.shape[0]
        step = self._chunk_rows(max(64, int(2 * (self.estimated_pairs() or 0) / n)))
        for start in range(0, n, step):
            stop = min(start + step, n)
            sub_tree = cKDTree(self.X[start:stop])
            found = sub_tree.sparse_distance_matrix(
                self.tree, self.eps, p=self.p, output_type="ndarray"
            )
            yield _upper_pairs(found["i"] + start, found["j"])

    def _block_pairs(self):
        n = self.X.shape[0]
        step = self._chunk_rows(n)
        for start in range(0, n, step):
            stop = min(start + step, n)
            rows, cols = self._neighbors_in_block(self.X[start:stop], self.X)
            yield _upper_pairs(rows + start, cols)

    def _neighbors_in_block(self, X_rows, X_fit):
        """Row and column indices with distance <= eps between two sets."""
        if self.metric == "precomputed":
            block = X_rows
        else:
            metric, kwargs = self._metric_and_kwargs(sp.issparse(X_fit))
            block = pairwise_distances(
                X_rows, X_fit, metric=metric, n_jobs=self.n_jobs, **kwargs
            )
        if sp.issparse(block):
            block = block.tocoo()
            keep = block.data <= self.eps
            return block.row[keep], block.col[keep]
        return np.nonzero(np.asarray(block) <= self.eps)

    def _metric_and_kwargs(self, sparse_input):
        """The metric name and keyword arguments for ``pairwise_distances``.

        Minkowski with p=1 or p=2 is routed to scikit-learn's own manhattan or
        euclidean, which (unlike scipy's minkowski) accept sparse input.
        """
        kwargs = dict(self.metric_params)
        if self.metric != "minkowski":
            return self.metric, kwargs
        kwargs.pop("p", None)
        if self.p in (1.0, 2.0) and not kwargs:
            return ("manhattan" if self.p == 1.0 else "euclidean"), kwargs
        if sparse_input:
            raise ValueError(
                f"metric='minkowski' with p={self.p} does not support sparse "
                "input; pass a dense array or use p=1 or p=2."
            )
        return "minkowski", {**kwargs, "p": self.p}

    def query(self, X_query):
        """Pairs ``(query_index, fit_index)`` within ``eps``, in bounded chunks.

        For ``metric="precomputed"`` the query is a distance block of shape
        (n_queries, n_fit).
        """
        step = self._chunk_rows(self.X.shape[0])
        for start in range(0, X_query.shape[0], step):
            rows_q = X_query[start : start + step]
            if self.tree is not None:
                found = cKDTree(rows_q).sparse_distance_matrix(
                    self.tree, self.eps, p=self.p, output_type="ndarray"
                )
                yield found["i"] + start, found["j"]
            else:
                rows, cols = self._neighbors_in_block(rows_q, self.X)
                yield rows + start, cols
