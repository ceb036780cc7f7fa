"""The influence rows of a window: how an update moves later decisions.

:class:`Influence` computes rows of the window's Gram matrix on demand and
:class:`Profiles` turns them into influence rows (L2 shrinkage between
samples, the intercept step, zero for earlier samples).  Used by
:mod:`._perceptron_kernel`.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import get_blas_funcs

from ..utils._indexing import take_rows
from ._perceptron_data import SparseGram

__all__ = ["Influence", "Profiles", "dense_product"]

# Largest log of a factor shrink ** -j in the factorized influence rows.
_MAX_LOG_FACTOR = 30.0


def dense_product(a, b):
    """``a @ b`` for dense or sparse operands, always returning an ndarray."""
    out = a @ b
    return out.toarray() if sp.issparse(out) else np.asarray(out)


class Influence:
    """``influence[j, k]``: how an update at window position j moves decision k.

    It is ``shrink ** (k - 1 - j) * x_j @ x_k + intercept_step`` for k > j and 0
    otherwise (an update only affects later samples).  Rows are computed on
    demand, only for positions that may hold a mistake, and kept compactly.
    ``mistake_rate`` (recent mistakes per sample, or None) is passed on to
    the scans as a hint.
    """

    def __init__(self, X_window, profiles, eager=False, mistake_rate=None):
        self.X = X_window
        self.mistake_rate = mistake_rate
        self.X_T = SparseGram(X_window) if sp.issparse(X_window) else X_window.T
        self.length = length = X_window.shape[0]
        self.profiles = profiles
        if eager and not sp.issparse(X_window):
            # Dense mistakes (several problems, short window): one Gram product.
            self._fill_square()
            return
        self.slot = np.full(length, -1)
        self.rows = np.empty((min(length, 64), length), dtype=profiles.dtype)
        self.n_rows = 0
        if eager:
            self._fill(np.arange(length))

    def _fill_square(self):
        """All rows at once: the upper triangle of ``X X^T`` by BLAS ``syrk``.

        Influence rows only keep the entries after their own position, so
        half the Gram matrix is all they need: ``syrk`` computes that half
        (40-45 % faster than the full product of a gathered copy on 144 x
        100 windows, single-threaded) and leaves zeros below the diagonal.
        ``X^T`` is the Fortran view of the C-ordered rows (no copy), and
        the result's transpose is the C-ordered upper triangle.
        """
        syrk = get_blas_funcs("syrk", (self.X,))
        gram = syrk(1.0, self.X.T, trans=1, lower=1).T.astype(
            self.profiles.dtype, copy=False
        )
        positions = np.arange(self.length)
        self.profiles.apply(gram, positions, self.length)
        self.rows, self.slot, self.n_rows = gram, positions, self.length

    def _fill(self, positions):
        end = self.n_rows + positions.shape[0]
        if end > self.rows.shape[0]:
            grown = np.empty(
                (max(end, 2 * self.rows.shape[0]), self.length), self.rows.dtype
            )
            grown[: self.n_rows] = self.rows[: self.n_rows]
            self.rows = grown
        block = self.rows[self.n_rows : end]
        if sp.issparse(self.X):
            block[...] = self.X_T.rows(positions)
        else:
            np.matmul(take_rows(self.X, positions), self.X_T, out=block)
        self.profiles.apply(block, positions, self.length)
        self.slot[positions] = np.arange(self.n_rows, end)
        self.n_rows = end

    def take(self, positions):
        missing = positions[self.slot[positions] < 0]
        if missing.size:
            self._fill(missing)
        return self.rows.take(self.slot[positions], axis=0)

    def full(self):
        """The whole ``(length, length)`` matrix, or None if it was not built."""
        if self.n_rows < self.length or self.slot[0] != 0:
            return None
        return self.rows[: self.length]


class Profiles:
    """Shrinkage and "later sample" factors of the influence rows.

    Row j of the factor ``shrink ** (k - 1 - j)`` (0 for k <= j) is a slice of
    one vector, so any set of rows is a gather from its sliding-window view.
    """

    def __init__(self, max_length, shrink, intercept_step, dtype):
        self.max_length = max_length
        self.dtype = dtype
        self.shrink = shrink
        self.intercept_step = intercept_step
        later = np.zeros(2 * max_length + 1, dtype=dtype)
        later[max_length + 1 :] = 1.0
        self.later = later
        decay = later.copy()
        if shrink != 1.0:
            decay[max_length + 1 :] = shrink ** np.arange(max_length, dtype=dtype)
        self.decay = decay
        # shrink ** k for k = 0 .. max_length (the window kernel's factors).
        self.powers = shrink ** np.arange(max_length + 1, dtype=dtype)
        self._square = {}

    def apply(self, gram_rows, positions, length):
        """Turn ``x_j @ x_k`` rows (positions j) into influence rows, in place."""
        if positions.shape[0] == length and length <= 512:
            # Whole windows recur with a few lengths: cache their factors.
            factors = self._square.get(length)
            if factors is None:
                factors = self._factors(np.arange(length), length)
                self._square[length] = factors
        elif self.shrink == 1.0:
            # No shrinkage: the factor is the "later sample" mask, cheaper to
            # build by one comparison than to gather.  (g + b) * 1 is g * 1 +
            # b * 1 bit for bit, and b is formed with the same dtypes as the
            # gathered offset, so the rows equal the gathered ones.
            self._step_and_mask(gram_rows, positions, length)
            return
        elif self.factorizable(length):
            self._apply_factorized(gram_rows, positions, length)
            return
        else:
            factors = self._factors(positions, length)
        gram_rows *= factors[0]
        if factors[1] is not None:
            gram_rows += factors[1]

    def factorizable(self, length):
        """Whether ``shrink ** -length`` stays moderate (see below).

        The factorized influence rows and the margin scan
        (:mod:`._perceptron_scan`) both scale by ``shrink ** -j``.
        """
        return self.shrink > 0.0 and length * -math.log(self.shrink) <= _MAX_LOG_FACTOR

    def _apply_factorized(self, gram_rows, positions, length):
        """:meth:`apply` for rows of a long window under L2 shrinkage.

        ``shrink ** (k - 1 - j)`` is ``shrink ** k`` times ``shrink ** (-1 - j)``:
        two broadcast products and the "later sample" mask, instead of
        gathering a ``(rows, length)`` factor matrix (the gather cost 5-10x
        more on 1000-sample windows).  Only used while ``shrink ** -length``
        stays below ``exp(_MAX_LOG_FACTOR)``, so nothing overflows and the
        factors lose at most a few ulps.
        """
        start = self.max_length + 1
        gram_rows *= self.decay[start : start + length]
        inverse = self.__dict__.get("_inverse")
        if inverse is None:
            exponents = -(np.arange(self.max_length, dtype=self.dtype) + 1)
            inverse = self._inverse = self.shrink**exponents
        gram_rows *= inverse[positions][:, None]
        self._step_and_mask(gram_rows, positions, length)

    def _step_and_mask(self, gram_rows, positions, length):
        """Add the intercept step, then zero each row up to its own position."""
        if self.intercept_step:
            gram_rows += self.intercept_step * self.later[-1]
        gram_rows *= np.arange(length) > positions[:, None]

    def _factors(self, positions, length):
        gather = (self.max_length - positions)[:, None] + np.arange(length)
        scale = (self.decay if self.shrink != 1.0 else self.later)[gather]
        offset = None
        if self.intercept_step:
            offset = self.intercept_step * self.later[gather]
        return scale, offset
