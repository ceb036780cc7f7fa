"""A fitted histogram tree wrapped as an ensemble member (``estimators_[i, k]``)."""

from __future__ import annotations

import numpy as np


class HistTreeMember:
    """A fitted tree as a member of an ensemble (``estimators_[i, k]``).

    Mirrors the parts of :class:`sklearn.tree.DecisionTreeRegressor` that
    users reach for: the node arrays in ``tree_``, the growing parameters as
    attributes, and ``predict`` / ``apply`` on raw (unbinned) features.

    Parameters
    ----------
    tree : HistTree
        The fitted nodes.
    bin_mapper : BinMapper
        Maps raw features to the bins the tree was grown on.
    **params : dict
        Growing parameters, stored as attributes (``max_depth``, ...).
    """

    def __init__(self, tree, bin_mapper, **params):
        self.tree_ = tree
        self.bin_mapper = bin_mapper
        for name, value in params.items():
            setattr(self, name, value)

    def apply(self, X):
        """Leaf index of each row of ``X`` (n_samples, n_features)."""
        binned = self.bin_mapper.transform(np.asarray(X, dtype=np.float64))
        return self.tree_.apply_binned(binned, self.bin_mapper.missing_bin_)

    def predict(self, X):
        """Raw tree output (before the learning rate), shape (n_samples,)."""
        return self.tree_.value[self.apply(X)]

    def get_depth(self):
        """Depth of the tree."""
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves."""
        return self.tree_.n_leaves
