"""Kaggle-scale benchmark: a deterministic data generator and the `make bench` harness."""
