"""Helpers for tests that start a real local server: a free loopback port, and Trino queries."""

from __future__ import annotations

import socket

import trino

from infra.trino.settings import LocalTrino


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def trino_query(settings: LocalTrino, sql: str) -> list[list[object]]:
    """Every row of one statement on the local Trino."""
    with trino.dbapi.connect(host=settings.host, port=settings.port, user="test") as connection:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
