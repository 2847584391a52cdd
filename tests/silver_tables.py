"""Silver entities written as Iceberg tables in a lake's catalog, as Spark publishes them, for the
tests of silver's readers (dbt, the quality checks, the benchmark's floor).

Written through pyiceberg on the same catalog Spark uses (lakehouse.catalog), so the readers find
each table's current snapshot exactly as they find Spark's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from lakehouse.catalog import NAMESPACE, catalog_for


def write_silver_tables(lake: Path, tables: Mapping[str, pa.Table]) -> None:
    """Replace the rows of each entity in `tables` with the given ones, one commit per entity.

    A missing namespace or table is created (from the rows' arrow schema) under
    `<lake>/silver/<entity>`, where Spark's JDBC catalog puts it (pyiceberg's default would be
    `silver.db/<entity>`). Entities not in `tables` are not touched.
    """
    lake.mkdir(parents=True, exist_ok=True)  # the SQLite catalog's folder
    settings = catalog_for(str(lake))
    catalog = settings.load()
    catalog.create_namespace_if_not_exists(NAMESPACE)
    for entity, rows in tables.items():
        table = catalog.create_table_if_not_exists(
            (NAMESPACE, entity), schema=rows.schema, location=f"{settings.warehouse}/{NAMESPACE}/{entity}"
        )
        if table.current_snapshot() is None:
            table.append(rows)  # an overwrite of an empty table warns that it deleted nothing
        else:
            table.overwrite(rows)


def drop_silver_table(lake: Path, entity: str) -> None:
    """Drop an entity's table from the lake's catalog, as if silver had never published it."""
    catalog_for(str(lake)).load().drop_table((NAMESPACE, entity))
