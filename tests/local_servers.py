"""Helpers for tests that start a real local server: a free loopback port, and Trino queries."""

from __future__ import annotations

import trino

from infra.trino.settings import LocalTrino
from sample.ports import free_port

__all__ = ["free_port", "trino_query"]


def trino_query(settings: LocalTrino, sql: str) -> list[list[object]]:
    """Every row of one statement on the local Trino."""
    with trino.dbapi.connect(host=settings.host, port=settings.port, user="test") as connection:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
