"""skdeep.decomposition: principal component analysis."""

from ._curve import explained_variance_curve
from ._incremental_pca import IncrementalPCA
from ._pca import PCA

__all__ = ["IncrementalPCA", "PCA", "explained_variance_curve"]
