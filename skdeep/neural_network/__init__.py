"""skdeep.neural_network."""

__all__ = []
