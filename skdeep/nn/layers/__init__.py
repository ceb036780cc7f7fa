"""Layers of the neural backend."""
