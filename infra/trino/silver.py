"""Register every silver entity of the lake as a Trino table (hive connector, parquet in place).

The lake is a local folder (the embedded default; Trino reads it through its native local file
system) or an `s3://bucket/prefix` (MinIO or S3: listed here with pyarrow's S3 client, read by
Trino's native S3 file system with the same endpoint and credentials; see infra/trino/config.py).

Each `<lake>/silver/<entity>/` folder becomes an external table `hive.silver.<entity>` whose columns
come from the parquet files themselves, so the registration follows whatever spark/ published. The
schema mirrors the lake: tables whose folder is gone are dropped, and re-running changes nothing.
Data is never copied: a query reads the files that are in the folder at that moment, so a new silver
run (spark/'s write-then-swap) is visible without registering again unless its columns changed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.fs as pafs
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


@dataclass(frozen=True)
class Lake:
    """A lake root on a file system: where to list files, and how Trino names a folder of it."""

    filesystem: pafs.FileSystem
    root: str  # path on `filesystem`: an absolute local path, or `bucket/prefix`
    scheme: str  # "local" or "s3"

    def location(self, path: str) -> str:
        """The external_location Trino reads `path` from."""
        if self.scheme == "local":
            return local_uri(Path(path))
        return f"s3://{path}"


def lake_at(lake: str | Path, env: Mapping[str, str] | None = None) -> Lake:
    """A local folder (path or `file://`) or an `s3://bucket/prefix` lake; S3 takes AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and AWS_REGION like the rest of the project."""
    env = os.environ if env is None else env
    text = str(lake)
    if text.startswith(("s3://", "s3a://")):
        endpoint = env.get("AWS_ENDPOINT_URL")
        filesystem = pafs.S3FileSystem(
            access_key=env.get("AWS_ACCESS_KEY_ID"),
            secret_key=env.get("AWS_SECRET_ACCESS_KEY"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            endpoint_override=endpoint,
            scheme="https" if not endpoint or endpoint.startswith("https") else "http",
            force_virtual_addressing=False,
        )
        return Lake(filesystem, text.split("://", 1)[1].rstrip("/"), "s3")
    if "://" in text and not text.startswith("file://"):
        raise SilverRegistrationError(f"lake {text}: a local folder or an s3:// prefix is supported")
    return Lake(pafs.LocalFileSystem(), Path(text.removeprefix("file://")).resolve().as_posix(), "local")


def default_lake() -> str:
    """MOVIES_LAKE (a folder or s3:// prefix) or the repository's data/lake."""
    return os.environ.get("MOVIES_LAKE") or (REPO_ROOT / "data" / "lake").as_posix()


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


def _data_files(lake: Lake, folder: str) -> list[str]:
    """Parquet files of an entity; Spark's markers (`_SUCCESS`, `.crc`) and hidden files are skipped."""
    found = lake.filesystem.get_file_info(pafs.FileSelector(folder, recursive=True, allow_not_found=True))
    return sorted(
        info.path
        for info in found
        if info.type == pafs.FileType.File
        and info.path.endswith(".parquet")
        and not any(
            part.startswith(("_", ".")) for part in PurePosixPath(info.path).relative_to(folder).parts
        )
    )


def silver_entities(lake: str | Path | Lake) -> dict[str, str]:
    """Entity name -> folder for every published entity (spark/'s `_staging` and hidden folders skipped)."""
    lake = lake if isinstance(lake, Lake) else lake_at(lake)
    silver = f"{lake.root}/silver"
    if lake.filesystem.get_file_info(silver).type != pafs.FileType.Directory:
        raise SilverRegistrationError(
            f"no silver folder in the lake: {silver} (run `make run` or `movies silver` first)"
        )
    folders = lake.filesystem.get_file_info(pafs.FileSelector(silver))
    return {
        info.base_name: info.path
        for info in sorted(folders, key=lambda info: info.base_name)
        if info.type == pafs.FileType.Directory
        and not info.base_name.startswith(("_", "."))
        and _data_files(lake, info.path)
    }


def entity_schema(folder: str | Path, lake: Lake | None = None) -> pa.Schema:
    """The columns of an unpartitioned entity, unified over all its files."""
    lake = lake or lake_at(Path(folder).parent.parent)
    folder = str(folder) if lake.scheme == "s3" else Path(folder).resolve().as_posix()
    files = _data_files(lake, folder)
    if any(PurePosixPath(path).parent != PurePosixPath(folder) for path in files):
        raise SilverRegistrationError(
            f"{folder} holds parquet files in subfolders (partitioned?); silver entities are flat "
            "(docs/lake_layout.md)"
        )
    return pa.unify_schemas([pq.read_schema(path, filesystem=lake.filesystem) for path in files])


def sql_string(text: str) -> str:
    """A SQL string literal (quotes doubled), for a location that comes from configuration."""
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(target: SilverTarget, entity: str, lake: Lake, folder: str) -> str:
    columns = ",\n    ".join(
        f"{_identifier(field.name)} {trino_type(field.type)}" for field in entity_schema(folder, lake)
    )
    return (
        f"create table {target.catalog}.{target.schema}.{_identifier(entity)} (\n    {columns}\n)\n"
        f"with (external_location = {sql_string(lake.location(folder))}, format = 'PARQUET')"
    )


def _execute(cursor: trino.dbapi.Cursor, sql: str) -> list[list[object]]:
    cursor.execute(sql)
    return cursor.fetchall()


def register_silver(
    settings: TrinoSettings, lake: str | Path, target: SilverTarget | None = None, user: str = "movies"
) -> list[str]:
    """(Re)create one external table per silver entity and drop tables whose folder is gone."""
    target = target or SilverTarget.from_env()
    where = lake_at(lake)
    entities = silver_entities(where)
    statements = {
        entity: create_table_sql(target, entity, where, folder) for entity, folder in entities.items()
    }
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
