"""A pinned Trino 476 from Maven Central, run single-node on 127.0.0.1 (see infra/README.md)."""
