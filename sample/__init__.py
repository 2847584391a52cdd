"""Deterministic real-data sample builder (see `sample.build`)."""
