"""What a run leaves, table by table, in a form two runs of the same input can be compared in: every
silver Iceberg table (at the snapshot its catalog calls current) and every relation dbt built in the
warehouse, each as a multiset of rows.

Columns that record when or by which run a row was written differ between two runs of the same input
and are left out: names starting with `_` (load ids and times, silver's bookkeeping) or `dbt_`
(snapshot validity), and the warehouse's build times. Numbers are rounded to 9 significant digits:
sums differ in their last bits with Spark's partitioning.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from lakehouse.catalog import IcebergCatalog
from lakehouse.duckdb import metadata_locations, open_lake, scan
from lakehouse.s3 import is_s3, s3_access
from lakehouse.sql import sql_identifier

DIGITS = 9
RELATIVE = 1e-5  # floats closer than this count as the same value
WAREHOUSE_SCHEMAS = ("marts", "snapshots")
Rows = Counter[tuple[object, ...]]


def _value(value: object) -> object:
    if isinstance(value, float | Decimal):
        return float(f"{float(value):.{DIGITS}g}")
    if isinstance(value, list | tuple):
        return tuple(_value(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), _value(item)) for key, item in value.items()))
    return value


def _kept(name: str) -> bool:
    return not name.startswith(("_", "dbt_"))


def _rows(con: duckdb.DuckDBPyConnection, relation: str) -> Rows:
    described = con.execute(f"describe select * from {relation}").fetchall()
    columns = [sql_identifier(name) for name, *_ in described if _kept(name)]
    if not columns:
        return Counter()
    rows = con.execute(f"select {', '.join(columns)} from {relation}").fetchall()
    return Counter(tuple(_value(value) for value in row) for row in rows)


def silver_tables(lake_url: str, catalog: IcebergCatalog, env: Mapping[str, str]) -> dict[str, Rows]:
    """Every silver table's rows, by entity (`env`: an S3 lake's endpoint and keys)."""
    with duckdb.connect() as con:
        open_lake(con, lake_url, s3_access(env) if is_s3(lake_url) else None)
        return {
            f"silver.{entity}": _rows(con, scan(location))
            for entity, location in sorted(metadata_locations(catalog.load(env)).items())
        }


def warehouse_tables(warehouse: Path) -> dict[str, Rows]:
    """Every mart and snapshot's rows, by `<schema>.<name>` (none when the warehouse is missing)."""
    if not warehouse.is_file():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_schema in {WAREHOUSE_SCHEMAS} order by 1"
        ).fetchall()
        return {name: _rows(con, name) for (name,) in names}


def tables_of(
    lake_url: str, catalog: IcebergCatalog, warehouse: Path, env: Mapping[str, str]
) -> dict[str, Rows]:
    """Silver (as `catalog` has it) and the warehouse together."""
    return {**silver_tables(lake_url, catalog, env), **warehouse_tables(warehouse)}


@dataclass(frozen=True)
class Damage:
    """How far a run's tables are from a clean run's: rows missing, rows held more often than the
    clean run holds them (duplicates), rows it has that the clean run lacks, tables missing or extra."""

    rows_lost: int
    duplicate_rows: int
    changed_rows: int
    tables_missing: tuple[str, ...]
    tables_extra: tuple[str, ...]
    differing: tuple[str, ...]

    @property
    def none(self) -> bool:
        """The tables equal the clean run's."""
        return not (self.rows_lost or self.duplicate_rows or self.changed_rows or self.tables_missing
                    or self.tables_extra)  # fmt: skip


def compare(tables: Mapping[str, Rows], clean: Mapping[str, Rows]) -> Damage:
    """`tables` against the clean run's, table by table."""
    lost = duplicated = changed = 0
    differing: list[str] = []
    for name in sorted(clean.keys() & tables.keys()):
        want, got = clean[name], tables[name]
        missing, surplus = _close_pairs_removed(want - got, got - want)
        if not (missing or surplus):
            continue
        differing.append(name)
        lost += sum(missing.values())
        copies = sum(count for row, count in surplus.items() if row in want)
        duplicated += copies
        changed += sum(surplus.values()) - copies
    return Damage(lost, duplicated, changed, _sorted(clean.keys() - tables.keys()),
                  _sorted(tables.keys() - clean.keys()), tuple(differing))  # fmt: skip


def _shape(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(None if isinstance(value, float) else value for value in row)


def _close(one: tuple[object, ...], other: tuple[object, ...]) -> bool:
    def same(a: object, b: object) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=RELATIVE)
        return a == b

    return all(same(a, b) for a, b in zip(one, other, strict=True))


def _close_pairs_removed(missing: Rows, surplus: Rows) -> tuple[Rows, Rows]:
    """Pair each missing row with a surplus row equal to it but for floats within `RELATIVE` (a value
    a model rounds can land either side of its last digit when a sum's order changes); both go."""
    by_shape: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
    for row, count in surplus.items():
        by_shape.setdefault(_shape(row), []).extend([row] * count)
    missing, surplus = Counter(missing), Counter(surplus)
    for row in list(missing.elements()):
        candidates = by_shape.get(_shape(row), [])
        match = next((index for index, other in enumerate(candidates) if _close(row, other)), None)
        if match is not None:
            missing[row] -= 1
            surplus[candidates.pop(match)] -= 1
    return +missing, +surplus


def _sorted(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(names))
