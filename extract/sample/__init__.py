"""Deterministic real-data sample builder (see `extract.sample.build`)."""
