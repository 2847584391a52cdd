"""Thin spark-submit-able entry points: parse arguments, read, transform, write."""
