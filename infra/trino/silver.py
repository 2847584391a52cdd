"""Register every silver entity of a local lake as a Trino table (hive connector, parquet in place).

Each `<lake>/silver/<entity>/` folder becomes an external table `hive.silver.<entity>` whose columns
come from the parquet files themselves, so the registration follows whatever spark/ published. The
schema mirrors the lake: tables whose folder is gone are dropped, and re-running changes nothing.
Data is never copied: a query reads the files that are in the folder at that moment, so a new silver
run (spark/'s write-then-swap) is visible without registering again unless its columns changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import trino

from infra.trino.config import local_uri
from infra.trino.settings import REPO_ROOT, TrinoSettings


class SilverRegistrationError(ValueError):
    """A silver folder cannot be exposed as a table (unsupported layout or column type)."""


@dataclass(frozen=True)
class SilverTarget:
    """Where registered silver tables go: MOVIES_TRINO_SILVER_CATALOG / MOVIES_TRINO_SILVER_SCHEMA."""

    catalog: str = "hive"
    schema: str = "silver"

    @classmethod
    def from_env(cls) -> SilverTarget:
        return cls(
            catalog=os.environ.get("MOVIES_TRINO_SILVER_CATALOG", "hive"),
            schema=os.environ.get("MOVIES_TRINO_SILVER_SCHEMA", "silver"),
        )


def default_lake() -> Path:
    """MOVIES_LAKE (a local folder) or the repository's data/lake."""
    configured = os.environ.get("MOVIES_LAKE")
    if configured and "://" in configured and not configured.startswith("file://"):
        raise SilverRegistrationError(
            f"MOVIES_LAKE={configured}: only a local lake can be registered by this helper; for an "
            "object-store lake use the docker-compose Trino (infra/README.md)"
        )
    if configured:
        return Path(configured.removeprefix("file://"))
    return REPO_ROOT / "data" / "lake"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def trino_type(arrow_type: pa.DataType) -> str:
    """The Trino (hive connector) type that reads a parquet column of `arrow_type`."""
    simple: list[tuple[object, str]] = [
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_int8, "tinyint"),
        (pa.types.is_int16, "smallint"),
        (pa.types.is_int32, "integer"),
        (pa.types.is_int64, "bigint"),
        (pa.types.is_float32, "real"),
        (pa.types.is_float64, "double"),
        (pa.types.is_date32, "date"),
        (pa.types.is_timestamp, "timestamp(6)"),
        (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t), "varchar"),
        (lambda t: pa.types.is_binary(t) or pa.types.is_large_binary(t), "varbinary"),
    ]
    for matches, name in simple:
        if matches(arrow_type):  # type: ignore[operator]
            return name
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision}, {arrow_type.scale})"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return f"array({trino_type(arrow_type.value_type)})"
    if pa.types.is_map(arrow_type):
        return f"map({trino_type(arrow_type.key_type)}, {trino_type(arrow_type.item_type)})"
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(f"{_identifier(f.name)} {trino_type(f.type)}" for f in arrow_type)
        return f"row({fields})"
    raise SilverRegistrationError(f"no Trino type for parquet column type {arrow_type}")


def _data_files(folder: Path) -> list[Path]:
    """Parquet files of an entity; Spark's markers (`_SUCCESS`, `.crc`) and hidden files are skipped."""
    return sorted(
        path
        for path in folder.rglob("*.parquet")
        if not any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts)
    )


def silver_entities(lake: Path) -> dict[str, Path]:
    """Entity name -> folder for every published entity (spark/'s `_staging` and hidden folders skipped)."""
    silver = lake / "silver"
    if not silver.is_dir():
        raise SilverRegistrationError(
            f"no silver folder in the lake: {silver} (run `make run` or `movies silver` first)"
        )
    return {
        folder.name: folder
        for folder in sorted(silver.iterdir())
        if folder.is_dir() and not folder.name.startswith(("_", ".")) and _data_files(folder)
    }


def entity_schema(folder: Path) -> pa.Schema:
    """The columns of an unpartitioned entity, unified over all its files."""
    files = _data_files(folder)
    if any(path.parent != folder for path in files):
        raise SilverRegistrationError(
            f"{folder} holds parquet files in subfolders (partitioned?); silver entities are flat "
            "(docs/lake_layout.md)"
        )
    return pa.unify_schemas([pq.read_schema(path) for path in files])


def create_table_sql(target: SilverTarget, entity: str, folder: Path) -> str:
    columns = ",\n    ".join(
        f"{_identifier(field.name)} {trino_type(field.type)}" for field in entity_schema(folder)
    )
    return (
        f"create table {target.catalog}.{target.schema}.{_identifier(entity)} (\n    {columns}\n)\n"
        f"with (external_location = '{local_uri(folder)}', format = 'PARQUET')"
    )


def _execute(cursor: trino.dbapi.Cursor, sql: str) -> list[list[object]]:
    cursor.execute(sql)
    return cursor.fetchall()


def register_silver(
    settings: TrinoSettings, lake: Path, target: SilverTarget | None = None, user: str = "movies"
) -> list[str]:
    """(Re)create one external table per silver entity and drop tables whose folder is gone."""
    target = target or SilverTarget.from_env()
    entities = silver_entities(lake.resolve())
    statements = {entity: create_table_sql(target, entity, folder) for entity, folder in entities.items()}
    qualified_schema = f"{target.catalog}.{target.schema}"
    with trino.dbapi.connect(host=settings.host, port=settings.port, user=user) as connection:
        cursor = connection.cursor()
        _execute(cursor, f"create schema if not exists {qualified_schema}")
        existing = {row[0] for row in _execute(cursor, f"show tables from {qualified_schema}")}
        for table in sorted(existing - set(entities)):
            _execute(cursor, f"drop table {qualified_schema}.{_identifier(table)}")
        for entity, sql in statements.items():
            _execute(cursor, f"drop table if exists {qualified_schema}.{_identifier(entity)}")
            _execute(cursor, sql)
    return sorted(entities)
