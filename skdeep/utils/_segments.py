"""Ragged row segments of CSR-like arrays (``indptr`` offsets), gathered in bulk."""

from __future__ import annotations

import numpy as np

__all__ = ["gather_ranges", "gather_segments", "segment_owners"]


def gather_segments(indptr, rows):
    """Positions of the entries of ``rows`` and the index in ``rows`` of each.

    Row ``r`` owns the entries ``indptr[r]:indptr[r + 1]``; the result lists
    the entries of ``rows[0]``, then ``rows[1]``, ..., without a Python loop.

    Parameters
    ----------
    indptr : ndarray of shape (n_rows + 1,)
    rows : ndarray of shape (n_selected,)

    Returns
    -------
    positions : ndarray of shape (n_entries,)
        Indices into the entry arrays (``indices``, ``data``, ...).
    owner : ndarray of shape (n_entries,)
        For each entry, its row's position in ``rows``.

    Examples
    --------
    >>> gather_segments(np.array([0, 2, 2, 5]), np.array([2, 0]))
    (array([2, 3, 4, 0, 1]), array([0, 0, 0, 1, 1]))
    """
    starts = indptr[rows]
    return gather_ranges(starts, indptr[rows + 1] - starts)


def gather_ranges(starts, counts):
    """The positions ``starts[i] : starts[i] + counts[i]`` for every ``i``, in order.

    Parameters
    ----------
    starts, counts : ndarray of shape (n_ranges,)

    Returns
    -------
    positions : ndarray of shape (counts.sum(),)
    owner : ndarray of shape (counts.sum(),)
        For each position, the index ``i`` of its range.

    Examples
    --------
    >>> gather_ranges(np.array([5, 0, 2]), np.array([2, 0, 3]))
    (array([5, 6, 2, 3, 4]), array([0, 0, 2, 2, 2]))
    """
    owner = np.repeat(np.arange(starts.shape[0]), counts)
    first = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return first + np.arange(owner.shape[0]), owner


def segment_owners(indptr):
    """The row of every entry, shape ``(indptr[-1],)``.

    Examples
    --------
    >>> segment_owners(np.array([0, 2, 2, 3]))
    array([0, 0, 2])
    """
    return np.repeat(np.arange(indptr.shape[0] - 1), np.diff(indptr))
