"""The committed GX suites as the check frames need them: the columns a suite checks, a digest of a
layer's suites, and the SQL that turns a table too large for GX's pandas engine into the few rows
its suite can check (offending_rows).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lakehouse.sql import sql_identifier

# The check frames' SQL templates (quality.frames renders them).
SQL_DIR = Path(__file__).resolve().parent / "sql"

# The two kinds of row in an `offending_rows` frame (its `kind` column).
DELIVERY, OFFENDING = "delivery", "offending"
# Expectations that look at the whole column set: a frame they check keeps every column.
WHOLE_TABLE_EXPECTATIONS = (
    "expect_table_columns_to_match_ordered_list",
    "expect_table_column_count_to_equal",
)


def suite_columns(gx_dir: Path, layer: str, table: str) -> list[str] | None:
    """The columns the table's suite checks (sorted), or None when it needs them all.

    A check frame carries only these: a 26M-row ratings frame with its two text columns dropped is
    cheaper to write, and to load into GX's pandas engine, than `select *`, and no expectation
    looks at the columns left out.
    """
    columns: set[str] = set()
    for expectation in load_suite(gx_dir, layer, table)["expectations"]:
        kwargs = expectation["kwargs"]
        if expectation["type"] in WHOLE_TABLE_EXPECTATIONS or kwargs.get("exact_match") is True:
            return None
        columns.update(name for key in ("column", "column_A", "column_B") if (name := kwargs.get(key)))
        columns.update(kwargs.get("column_list", ()), kwargs.get("column_set", ()))
        condition = kwargs.get("row_condition")
        if isinstance(condition, dict) and isinstance(condition.get("column"), dict):
            columns.add(condition["column"]["name"])  # GX's comparison condition on one column
    return sorted(columns) or None


def suites_digest(gx_dir: Path, layer: str) -> str:
    """A digest of the layer's suites and of the SQL their check frames are rendered from (the
    layer's templates and the shared ones): the same data checked another way is checked again."""
    digest = hashlib.sha256()
    frames = [*SQL_DIR.glob("*.sql"), *(SQL_DIR / layer).glob("*.sql")]
    for path in [*sorted((gx_dir / "expectations").glob(f"{layer}__*.json")), *sorted(frames)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_suite(gx_dir: Path, layer: str, table: str) -> dict[str, Any]:
    """The committed suite of one table (`expectations/<layer>__<table>.json`)."""
    return json.loads((gx_dir / "expectations" / f"{layer}__{table}.json").read_text(encoding="utf-8"))


def offending_rows(sql: str, suite: dict[str, Any]) -> str:
    """The check frame of a table too large for GX's pandas engine (a 26M-row raw ratings load).

    The frame has one `delivery` row with the table's row count, then every row that fails one of
    the suite's row checks, with its values as delivered. Each expectation of the suite checks one
    kind of row: its GX `row_condition` is the comparison `kind == "delivery"` or
    `kind == "offending"`. The offending rows are found from the suite itself. For
    `expect_column_values_to_not_be_null` they are the nulls; for
    `expect_column_values_to_be_between`, the values outside its literal bounds (a null passes,
    as in GX). So each row check fails on the same values as on the whole table. Any other row
    check, `mostly`, a strict bound or a parameter as a bound is an error here: an edit to the
    suite cannot turn into a weaker check. An empty table still gives the `delivery` row (0 rows).
    """
    columns: dict[str, None] = {}  # the frame's value columns, in the suite's order
    conditions: list[str] = []
    for expectation in suite["expectations"]:
        kind, kwargs = expectation["type"], expectation["kwargs"]
        if kind == "expect_table_columns_to_match_set" and kwargs.get("exact_match") is not True:
            columns.update(dict.fromkeys(kwargs["column_set"]))
        elif _checks_kind(kwargs) == DELIVERY and kwargs.get("column") == "row_count":
            continue
        elif _checks_kind(kwargs) == OFFENDING and kind in _OFFENDING_WHEN and "mostly" not in kwargs:
            columns[kwargs["column"]] = None
            conditions.append(_OFFENDING_WHEN[kind](sql_identifier(kwargs["column"]), kwargs))
        else:
            raise ValueError(
                f"suite {suite.get('name')}: {kind}({kwargs.get('column', '')}) cannot be checked on a"
                " delivery row and offending rows; see quality.suites.offending_rows"
            )
    if not conditions:
        raise ValueError(f"suite {suite.get('name')}: no row check to find offending rows by")
    quoted = [sql_identifier(column) for column in columns]
    return f"""with checked as ({sql})
        select '{DELIVERY}' as kind, count(*) as row_count, {", ".join(f"null as {c}" for c in quoted)}
        from checked
        union all
        select '{OFFENDING}', null, {", ".join(quoted)}
        from checked
        where {" or ".join(conditions)}"""


def _checks_kind(kwargs: dict[str, Any]) -> str | None:
    """The kind of row an expectation's `row_condition` picks (`kind == "delivery"`), else None."""
    condition = kwargs.get("row_condition")
    if not isinstance(condition, dict) or condition.get("type") != "comparison":
        return None
    if condition.get("column") != {"name": "kind"} or condition.get("operator") != "==":
        return None
    return condition.get("parameter")


def _outside_bounds(column: str, kwargs: dict[str, Any]) -> str:
    if kwargs.get("strict_min") or kwargs.get("strict_max"):
        raise ValueError(f"{column}: strict bounds are not checked on offending rows")
    tests = []
    for key, operator in (("min_value", "<"), ("max_value", ">")):
        bound = kwargs.get(key)
        if bound is None:
            continue
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise ValueError(f"{column}: {key} must be a number to find offending rows, not {bound!r}")
        tests.append(f"{column} {operator} {bound!r}")
    if not tests:
        raise ValueError(f"{column}: a between check with no bound finds no offending row")
    return f"({' or '.join(tests)})"


_OFFENDING_WHEN: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "expect_column_values_to_not_be_null": lambda column, _: f"{column} is null",
    "expect_column_values_to_be_between": _outside_bounds,
}


def projected(sql: str, columns: list[str] | None) -> str:
    """`sql` cut to `columns` (see suite_columns); all of its columns when None."""
    if columns is None:
        return sql
    return f"select {', '.join(map(sql_identifier, columns))} from ({sql}) as checked"
