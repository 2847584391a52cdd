"""DuckDB reading silver's Iceberg tables: the extensions from PyPI, and one relation per table.

DuckDB cannot download extensions here, so they come from the `duckdb-extension-*` packages pinned
with DuckDB itself and are loaded from their files. An `s3://` lake also loads httpfs and gives the
connection a temporary S3 secret from lakehouse.s3 (never a persistent one: DuckDB would write the
keys to ~/.duckdb in clear). A table is read with `iceberg_scan` on the
metadata file its catalog names as current (found through pyiceberg): DuckDB applies the table's
delete files, so a merge-on-read table reads as its rows. DuckDB has no client for a JDBC catalog,
hence the lookup in Python rather than an `ATTACH`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lakehouse.catalog import NAMESPACE, IcebergCatalog, current_tables
from lakehouse.s3 import S3Access, is_s3, s3_access
from lakehouse.sql import sql_identifier, sql_string

if TYPE_CHECKING:
    from pyiceberg.catalog import Catalog

STATE_SCHEMA = "lake_state"  # the warehouse's record of the silver snapshots it reads
EXTENSIONS = ("avro", "iceberg")  # the Iceberg extension reads manifests through the Avro one


def extension_file(name: str) -> Path:
    """The extension binary a `duckdb-extension-<name>` package ships for this DuckDB."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            f"duckdb-extension-{name} is not installed (it is pinned in pyproject.toml)"
        )
    return Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


def load_extensions(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = EXTENSIONS) -> None:
    """Load the extensions silver needs into a connection, from the packages' files."""
    for name in names:
        con.execute(f"load '{extension_file(name).as_posix()}'")


def open_lake(con: duckdb.DuckDBPyConnection, lake_url: str, access: S3Access | None = None) -> None:
    """Make a connection able to read the lake: silver's extensions, and for an S3 lake httpfs with a
    temporary secret (the endpoint and keys of lakehouse.s3). DuckDB's S3 reader takes `s3a://`
    locations too, which is how Spark writes the Iceberg metadata's file paths."""
    load_extensions(con)
    if not is_s3(lake_url):
        return
    load_extensions(con, ("httpfs",))
    access = access or s3_access()
    options = {"TYPE": "s3", "REGION": access.region or "us-east-1"}
    if access.has_keys:
        options.update({"KEY_ID": access.key_id or "", "SECRET": access.secret or ""})
    if access.endpoint_host:
        options.update({"ENDPOINT": access.endpoint_host, "URL_STYLE": "path"})
        options["USE_SSL"] = str(access.uses_ssl).lower()
    literal = {"TYPE", "USE_SSL"}  # keywords, not strings
    spelled = ", ".join(
        f"{key} {value if key in literal else sql_string(value)}" for key, value in options.items()
    )
    refused = None
    try:
        con.execute(f"create or replace temporary secret movies_lake ({spelled})")
    except duckdb.Error as error:  # its message may quote the statement, keys included: keep only its kind
        refused = type(error).__name__
    if refused is not None:  # raised outside the handler, so the error does not travel as its context
        raise RuntimeError(f"DuckDB refused the lake's S3 settings ({refused})")


def metadata_locations(catalog: IcebergCatalog | Catalog) -> dict[str, str]:
    """Every silver table's current metadata file, by entity."""
    return {name: table.metadata_location for name, table in current_tables(catalog).items()}


def scan(metadata_location: str) -> str:
    """The relation that reads one table at the snapshot its metadata file calls current."""
    return f"iceberg_scan({sql_string(metadata_location)})"


def create_silver_views(
    con: duckdb.DuckDBPyConnection, catalog: IcebergCatalog, schema: str = NAMESPACE
) -> list[str]:
    """`<schema>.<entity>` views over the current snapshot of every silver table; returns the entities.

    A view is bound to the snapshot current when it was made: made again at the start of every dbt
    invocation (lakehouse.dbt_plugin) or check run, it reads what Spark committed last. A view whose
    table the catalog no longer holds is dropped, so a reader fails on it instead of reading an old
    snapshot (the views persist in the warehouse file). `lake_state.silver_snapshots` records which
    snapshot each view reads: what the warehouse was last built from, where a user can query it.
    """
    open_lake(con, catalog.root)
    tables = current_tables(catalog)
    con.execute(f"create schema if not exists {sql_identifier(schema)}")
    existing = con.execute(
        "select view_name from duckdb_views() "
        "where database_name = current_database() and schema_name = ? and not internal",
        [schema],
    ).fetchall()
    for (entity,) in existing:
        if entity not in tables:
            con.execute(f"drop view {sql_identifier(schema)}.{sql_identifier(entity)}")
    for entity, table in sorted(tables.items()):
        view = f"{sql_identifier(schema)}.{sql_identifier(entity)}"
        con.execute(f"create or replace view {view} as select * from {scan(table.metadata_location)}")
    con.execute(f"create schema if not exists {STATE_SCHEMA}")
    con.execute(
        f"create or replace table {STATE_SCHEMA}.silver_snapshots (entity varchar primary key, "
        "snapshot_id bigint, committed_at timestamptz, metadata_location varchar, read_at timestamptz)"
    )
    for entity, table in sorted(tables.items()):
        con.execute(
            f"insert into {STATE_SCHEMA}.silver_snapshots values (?, ?, ?, ?, current_timestamp)",
            [entity, table.snapshot_id, table.committed_at, table.metadata_location],
        )
    return sorted(tables)
