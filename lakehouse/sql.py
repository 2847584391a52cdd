"""Quoting for SQL built from configured values (paths, table names): they never break or extend it."""

from __future__ import annotations

from collections.abc import Iterable


def sql_string(text: object) -> str:
    """A SQL string literal for a configured value (single quotes doubled)."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_strings(values: Iterable[object]) -> str:
    """Comma-separated SQL string literals, for an `in (...)` list."""
    return ", ".join(sql_string(value) for value in values)


def sql_identifier(name: str) -> str:
    """A quoted SQL identifier (double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'
