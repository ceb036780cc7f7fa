"""skdeep.decomposition."""

__all__ = []
