"""eps-neighbourhoods as pair lists, computed in memory-bounded pieces.

DBSCAN only ever needs the unordered pairs ``(i, j)``, ``i < j``, whose distance
is at most ``eps`` (a point is always its own neighbour, implicitly).  They
come from scipy's ``cKDTree`` for Minkowski metrics on dense data of low
dimension, and from chunked distance blocks otherwise (dense Euclidean blocks
from one matrix product each); a precomputed (dense or sparse) distance matrix
is read row-chunk by row-chunk.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import VALID_METRICS_SPARSE

from ..utils._indexing import take_rows

# Pair arrays are stored at once when they are expected to take less than this
# many bytes; beyond it the pairs are regenerated in chunks on every pass.
MAX_STORED_PAIR_BYTES = 2**28
_BLOCK_ENTRIES = 2**20  # entries of one (chunk, n) distance block
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


def _gram_operand(X, left):
    """``[-2 X, ||x||², 1]`` (left) or ``[X, 1, ||x||²]`` (right), float64.

    The product of a left and a right operand is the matrix of squared
    Euclidean distances of their rows.
    """
    out = np.empty((X.shape[0], X.shape[1] + 2), dtype=np.float64)
    out[:, :-2] = X.toarray() if sp.issparse(X) else X  # sparse queries, few features
    squared = np.einsum("ij,ij->i", out[:, :-2], out[:, :-2])
    if left:
        out[:, :-2] *= -2.0
    out[:, -2], out[:, -1] = (squared, 1.0) if left else (1.0, squared)
    return out


def _positions(mask):
    """Row and column indices of the True entries of a 2-D mask.

    One flat search and an integer division: faster than ``np.nonzero`` on
    the 2-D array, which unravels every index itself.
    """
    flat = np.flatnonzero(mask)
    rows = flat // mask.shape[1]
    return rows, flat - rows * mask.shape[1]


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


class RadiusPairs:
    """Source of the ``eps``-neighbour pairs of a training set.

    Parameters
    ----------
    X : {ndarray, CSR matrix}
        Training data, or a square distance matrix when ``metric`` is
        ``"precomputed"``.
    eps : float
        Neighbourhood radius (inclusive).
    metric, p, metric_params, algorithm, n_jobs, leaf_size
        As in :class:`~skdeep.cluster.DBSCAN`.
    """

    def __init__(
        self, X, eps, metric, p, metric_params, algorithm, n_jobs, leaf_size=30
    ):
        self.X, self.eps, self.metric = X, eps, metric
        self.metric_params = metric_params or {}
        self.n_jobs = 1 if n_jobs is None else n_jobs
        self.p = minkowski_p(metric, p, metric_params)
        self.tree = None
        if self._use_tree(algorithm):
            self.tree = cKDTree(X, leafsize=leaf_size)
        # Dense Euclidean distances by the Gram expansion (see _gram_block).
        self._columns = None
        if self.tree is None and self._plain_euclidean():
            self._columns = _gram_operand(X, left=False)

    def _use_tree(self, algorithm):
        if self.p is None or sp.issparse(self.X) or self.metric == "precomputed":
            return False
        if algorithm == "brute":
            return False
        return algorithm != "auto" or self.X.shape[1] <= _TREE_MAX_FEATURES

    def _plain_euclidean(self):
        """True for dense features under the Euclidean metric, no options."""
        if sp.issparse(self.X) or self.metric == "precomputed":
            return False
        if self.metric in ("euclidean", "l2"):
            return not self.metric_params
        if self.metric != "minkowski" or self.p != 2.0:
            return False
        return not {k: v for k, v in self.metric_params.items() if k != "p"}

    def _chunk_rows(self, n_cols, per_row=None):
        """Rows per chunk so that one chunk yields at most ``_BLOCK_ENTRIES``."""
        per_row = n_cols if per_row is None else max(per_row, 64)
        return max(1, min(self.X.shape[0], _BLOCK_ENTRIES // max(per_row, 1)))

    def _mean_neighbors(self, random_state=0):
        """Average neighbourhood size, estimated on a sample (trees only)."""
        n = self.X.shape[0]
        sample = np.random.RandomState(random_state).choice(n, min(n, 500), False)
        counts = self.tree.query_ball_point(
            self.X[sample], self.eps, p=self.p, return_length=True
        )
        return float(counts.mean())

    def stored_pairs(self):
        """Every pair ``(i, j)``, ``i < j``, at once, or None when too many.

        Trees estimate the number of pairs before building them; other
        sources gather them block by block until the budget runs out.
        """
        if self.tree is None:
            return self._collect_block_pairs()
        expected_pairs = (self._mean_neighbors() - 1) * self.X.shape[0] / 2
        # 16 bytes per pair, with headroom for the estimate and temporaries.
        if expected_pairs * 16 * 2 > MAX_STORED_PAIR_BYTES:
            return None
        pairs = self.tree.query_pairs(self.eps, p=self.p, output_type="ndarray")
        return pairs[:, 0], pairs[:, 1]

    def _collect_block_pairs(self):
        """All pairs from distance blocks, or None past the storage budget.

        Without a tree the number of pairs is unknown in advance, so they are
        gathered while they fit (small data sets, moderate ``eps``: every
        later pass then reads them instead of recomputing distances).  Past
        half of ``MAX_STORED_PAIR_BYTES`` (concatenating briefly holds them
        twice) they are dropped and every pass streams its own pairs.
        """
        everyone = np.arange(self.X.shape[0])
        found_i, found_j, n_bytes = [], [], 0
        for i, j in self.pairs_between(everyone, everyone, upper_only=True):
            n_bytes += i.nbytes + j.nbytes
            # Half the budget: concatenating briefly holds the pairs twice.
            if 2 * n_bytes > MAX_STORED_PAIR_BYTES:
                return None
            found_i.append(i)
            found_j.append(j)
        if not found_i:
            return np.empty(0, np.intp), np.empty(0, np.intp)
        return np.concatenate(found_i), np.concatenate(found_j)

    def neighbor_weights(self, sample_weight):
        """Total weight of each sample's neighbourhood (itself included)."""
        n = self.X.shape[0]
        if self.tree is not None and np.all(sample_weight == 1):
            # Counting in the tree never materialises the pairs.
            return self.tree.query_ball_point(
                self.X, self.eps, p=self.p, return_length=True, workers=self.n_jobs
            ).astype(np.float64)
        totals = sample_weight.astype(np.float64, copy=True)
        everyone = np.arange(n)
        for i, j in self.pairs_between(everyone, everyone, upper_only=True):
            totals += np.bincount(i, weights=sample_weight[j], minlength=n)
            totals += np.bincount(j, weights=sample_weight[i], minlength=n)
        return totals

    def pairs_between(self, rows, cols, upper_only=False):
        """Yield chunks of pairs ``(i, j)``, ``i`` in ``rows``, ``j`` in ``cols``.

        Indices are global sample indices; with ``upper_only`` (for ``rows`` and
        ``cols`` being the same set) only ``i < j`` is kept, so every unordered
        pair comes once and self pairs never.
        """
        if rows.size == 0 or cols.size == 0:
            return
        col_tree = None
        if self.tree is not None:
            whole = cols.size == self.X.shape[0]
            col_tree = self.tree if whole else cKDTree(self.X[cols])
            per_row = int(self._mean_neighbors()) * 2
            step = self._chunk_rows(cols.size, per_row)
        else:
            step = self._chunk_rows(cols.size)
        # For a set against itself, a chunk only needs the columns from its own
        # first row on: a smaller tree per chunk beats generating every pair
        # twice (rows come sorted from np.flatnonzero / np.arange).
        triangular = upper_only and rows is cols
        for start in range(0, rows.size, step):
            chunk = rows[start : start + step]
            chunk_cols, offset = (cols[start:], start) if triangular else (cols, 0)
            if col_tree is not None:
                tree = cKDTree(take_rows(self.X, chunk_cols)) if offset else col_tree
                found = cKDTree(take_rows(self.X, chunk)).sparse_distance_matrix(
                    tree, self.eps, p=self.p, output_type="ndarray"
                )
                local_i, local_j = found["i"], found["j"]
            else:
                local_i, local_j = self._neighbors_in_block(chunk, chunk_cols)
            i, j = chunk[local_i], chunk_cols[local_j]
            if upper_only:
                keep = i < j
                i, j = i[keep], j[keep]
            yield i, j

    def _neighbors_in_block(self, rows, cols, X_rows=None):
        """Local (row, col) positions with distance <= eps in one block."""
        X_rows = take_rows(self.X, rows) if X_rows is None else X_rows
        if self._columns is not None:
            return _positions(self._gram_block(cols, X_rows))
        if self.metric == "precomputed":
            block = X_rows[:, cols]
        else:
            X_cols = self.X if cols.size == self.X.shape[0] else self.X[cols]
            sparse_input = sp.issparse(X_cols) or sp.issparse(X_rows)
            metric, kwargs = self._metric_and_kwargs(sparse_input)
            block = pairwise_distances(
                X_rows, X_cols, metric=metric, n_jobs=self.n_jobs, **kwargs
            )
        if sp.issparse(block):
            block = block.tocoo()
            keep = block.data <= self.eps
            return block.row[keep], block.col[keep]
        return _positions(np.asarray(block) <= self.eps)

    def _gram_block(self, cols, X_rows):
        """Mask of ``||x_r - x_c||² <= eps²`` for the rows against ``cols``.

        The squared distance ``||x_r||² - 2 x_r·x_c + ||x_c||²`` is a single
        matrix product of operands widened by two columns (see
        :func:`_gram_operand`), so a block costs one product and one
        comparison.  Like scikit-learn's brute-force radius search it compares
        squared distances with ``eps²``.
        """
        start = int(cols[0]) if cols.size else 0
        if np.array_equal(cols, np.arange(start, start + cols.size)):
            # Consecutive indices (all samples, or the triangle of a set
            # against itself): a view instead of a gathered copy.
            columns = self._columns[start : start + cols.size]
        else:
            columns = self._columns[cols]
        block = _gram_operand(X_rows, left=True) @ columns.T
        return block <= float(self.eps) ** 2

    def _metric_and_kwargs(self, sparse_input):
        """The metric name and keyword arguments for ``pairwise_distances``.

        Minkowski with p=1 or p=2 is routed to scikit-learn's own manhattan or
        euclidean, which (unlike scipy's minkowski) accept sparse input.
        """
        kwargs = dict(self.metric_params)
        if self.metric != "minkowski":
            if sparse_input and isinstance(self.metric, str):
                _check_sparse_metric(self.metric)
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
        everyone = np.arange(self.X.shape[0])
        step = self._chunk_rows(self.X.shape[0])
        for start in range(0, X_query.shape[0], step):
            rows_q = X_query[start : start + step]
            if self.tree is not None:
                if sp.issparse(rows_q):
                    # The tree serves low-dimensional dense training data: a
                    # chunk of sparse queries is small once densified.
                    rows_q = rows_q.toarray()
                found = cKDTree(rows_q).sparse_distance_matrix(
                    self.tree, self.eps, p=self.p, output_type="ndarray"
                )
                yield found["i"] + start, found["j"]
            else:
                rows, cols = self._neighbors_in_block(None, everyone, X_rows=rows_q)
                yield rows + start, cols


def _check_sparse_metric(metric):
    """Refuse a metric that cannot take sparse input (as scikit-learn does)."""
    valid = sorted(VALID_METRICS_SPARSE["brute"])
    if metric not in valid:
        raise ValueError(
            f"Metric '{metric}' not valid for sparse input. Use one of {valid} "
            "or a callable, or pass a dense array."
        )
