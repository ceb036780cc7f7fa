"""skdeep.nn: the shared, vectorised numpy/scipy neural-network backend."""
