"""skdeep.ensemble."""

__all__ = []
