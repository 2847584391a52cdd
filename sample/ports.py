"""A free TCP port on 127.0.0.1, for the local servers the harness starts (PostgreSQL, Trino, Prefect)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
