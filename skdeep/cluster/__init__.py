"""skdeep.cluster."""

__all__ = []
