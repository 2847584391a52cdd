"""Where silver's Iceberg tables live: one catalog, under one name, for every engine that reads them.

Embedded default: Iceberg's JDBC catalog on a SQLite file kept inside a local lake
(`<lake>/iceberg_catalog.sqlite`, no server). Spark reaches it through sqlite-jdbc, Python through
pyiceberg's `SqlCatalog` (the same `iceberg_tables` rows: both speak the JDBC catalog's V1 schema).
`MOVIES_ICEBERG_CATALOG_URI` names another catalog: a JDBC URL (`jdbc:postgresql://host/db`, or
`jdbc:sqlite:/path`) or an Iceberg REST catalog (`http(s)://...`: Polaris, Nessie). An `s3://` lake
has no local folder for the SQLite file, so it needs one of those (docs/lake_layout.md). A REST
catalog may serve several warehouses (Polaris: one per catalog it holds): `MOVIES_ICEBERG_WAREHOUSE`
names silver's, and `MOVIES_ICEBERG_CREDENTIAL` (`<client id>:<client secret>`, a secret: keep it in
the deployment's environment) with `MOVIES_ICEBERG_SCOPE` (default `PRINCIPAL_ROLE:ALL`, Polaris's)
are the OAuth2 client credentials every engine signs in with.

Tables are `<CATALOG_NAME>.silver.<entity>` with the lake root as the warehouse, so an entity's data
and metadata files sit under `<lake>/silver/<entity>/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lakehouse.s3 import s3_access, s3a
from settings import IcebergSettings

if TYPE_CHECKING:
    from pyiceberg.catalog import Catalog

CATALOG_NAME = "movies"  # Spark's catalog name, and the JDBC catalog's `catalog_name` column
NAMESPACE = "silver"
SQLITE_FILE = "iceberg_catalog.sqlite"
CATALOG_URI_VARIABLE = "MOVIES_ICEBERG_CATALOG_URI"  # named in messages; read by settings.IcebergSettings
CREDENTIAL_VARIABLE = "MOVIES_ICEBERG_CREDENTIAL"
DEFAULT_SCOPE = "PRINCIPAL_ROLE:ALL"  # Polaris: every principal role the client holds


def lake_root_url(lake_url: str) -> str:
    """The lake root as the URL engines address files by: `file:/abs/path` for a local folder,
    `s3a://` (Hadoop's S3 client, which Spark's Iceberg tables are written through) for `s3://`."""
    if lake_url.startswith("s3://"):
        return s3a(lake_url).rstrip("/")
    if "://" in lake_url:
        return lake_url.rstrip("/")
    return Path(lake_url).resolve().as_uri()


class CatalogUnreachableError(RuntimeError):
    """Silver's catalog (its database or REST service) did not answer."""


@dataclass(frozen=True)
class IcebergCatalog:
    """One Iceberg catalog: a JDBC database or a REST service, the lake root its tables live under,
    and for a REST service the warehouse it names and the OAuth2 client credentials it takes."""

    uri: str  # a JDBC URL (jdbc:...) or a REST endpoint (http(s)://...)
    root: str  # the lake root (file:/..., s3a://...)
    name: str | None = None  # a REST catalog's warehouse (Polaris: the catalog's name); else the root
    credential: str | None = field(default=None, repr=False)  # `<client id>:<secret>`
    scope: str | None = None

    @property
    def warehouse(self) -> str:
        """The catalog's `warehouse` property: a REST catalog's named warehouse, else the lake root."""
        return self.name or self.root

    def oauth2(self) -> dict[str, str]:
        """The OAuth2 client-credentials properties (Spark's and pyiceberg's names; none without one)."""
        if not self.credential:
            return {}
        return {"credential": self.credential, "scope": self.scope or DEFAULT_SCOPE}

    @property
    def is_rest(self) -> bool:
        """A REST catalog service (else a JDBC database)."""
        return self.uri.startswith(("http://", "https://"))

    @staticmethod
    def table(entity: str) -> str:
        """An entity's table name as Spark addresses it (`movies.silver.<entity>`)."""
        return f"{CATALOG_NAME}.{NAMESPACE}.{entity}"

    def spark_settings(self) -> dict[str, str]:
        """The `spark.sql.catalog.<name>.*` settings (runtime SQL settings: one session may switch)."""
        prefix = f"spark.sql.catalog.{CATALOG_NAME}"
        settings = {prefix: "org.apache.iceberg.spark.SparkCatalog", f"{prefix}.warehouse": self.warehouse}
        if self.is_rest:
            settings.update({f"{prefix}.type": "rest", f"{prefix}.uri": self.uri})
            settings.update({f"{prefix}.{key}": value for key, value in self.oauth2().items()})
        else:
            # V1: the schema pyiceberg's SqlCatalog reads and writes (views need it too).
            settings.update(
                {f"{prefix}.type": "jdbc", f"{prefix}.uri": self.uri, f"{prefix}.jdbc.schema-version": "V1"}
            )
        return settings

    def pyiceberg_properties(self, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """pyiceberg's properties for the same catalog; S3 endpoint and keys from lakehouse.s3."""
        properties = {"warehouse": self.warehouse}
        if self.is_rest:
            properties.update({"type": "rest", "uri": self.uri, **self.oauth2()})
        else:
            properties.update({"type": "sql", "uri": sqlalchemy_url(self.uri)})
        if not self.root.startswith(("s3a://", "s3://")):
            return properties
        access = s3_access(env)
        s3 = {
            "s3.endpoint": access.endpoint,
            "s3.access-key-id": access.key_id,
            "s3.secret-access-key": access.secret,
            "s3.region": access.region,
        }
        properties.update({key: value for key, value in s3.items() if value})
        return properties

    @property
    def address(self) -> str:
        """Where the catalog is, fit for a message: the URI without its query (which may carry a user
        or password) or any `user:password@`."""
        scheme, _, rest = self.uri.partition("://")
        return f"{scheme}://{rest.split('?')[0].rpartition('@')[2]}" if rest else self.uri.split("?")[0]

    def load(self, env: Mapping[str, str] | None = None) -> Catalog:
        """The catalog through pyiceberg (what the Python readers use to find a table's snapshot), an S3
        lake read with `env`'s endpoint and keys (default this process's); `CatalogUnreachableError`
        when its database or service does not answer."""
        import requests
        from pyiceberg.catalog import load_catalog
        from sqlalchemy.exc import OperationalError

        try:
            return load_catalog(CATALOG_NAME, **self.pyiceberg_properties(env))
        except (OperationalError, requests.ConnectionError) as error:
            cause = getattr(error, "orig", None) or error
            raise CatalogUnreachableError(
                f"silver's Iceberg catalog at {self.address} cannot be reached: {str(cause).strip()}"
            ) from error


def sqlalchemy_url(jdbc_url: str) -> str:
    """The SQLAlchemy URL pyiceberg's SqlCatalog takes for the JDBC URL Spark and Trino take."""
    if jdbc_url.startswith("jdbc:sqlite:"):
        return "sqlite:///" + jdbc_url.removeprefix("jdbc:sqlite:")
    if jdbc_url.startswith("jdbc:postgresql:"):
        return "postgresql+psycopg2:" + jdbc_url.removeprefix("jdbc:postgresql:")
    raise ValueError(f"no SQLAlchemy driver known for the catalog URL {jdbc_url!r}")


def catalog_for(lake_url: str, iceberg: IcebergSettings | None = None) -> IcebergCatalog:
    """The catalog of a lake: the configured one (`MOVIES_ICEBERG_CATALOG_URI`, with a REST catalog's
    warehouse and credentials, see the module docstring; `iceberg`, else the process's settings)
    when set, else the SQLite file inside a local lake. An s3:// lake without a configured catalog is
    an error that says what to set."""
    iceberg = IcebergSettings.read() if iceberg is None else iceberg
    warehouse = lake_root_url(lake_url)
    if iceberg.catalog_uri:
        return IcebergCatalog(
            iceberg.catalog_uri,
            warehouse,
            name=iceberg.warehouse,
            credential=iceberg.credential.get_secret_value() if iceberg.credential else None,
            scope=iceberg.scope,
        )
    if not warehouse.startswith("file:"):
        raise ValueError(
            f"the lake {lake_url} is not a local folder, so its Iceberg catalog cannot be the SQLite file "
            f"kept inside it: set {CATALOG_URI_VARIABLE} to a REST catalog (http(s)://...) or a JDBC URL"
        )
    sqlite_file = Path(lake_url).resolve() / SQLITE_FILE
    return IcebergCatalog(f"jdbc:sqlite:{sqlite_file.as_posix()}", warehouse)


def snapshot_ids(lake_url: str) -> dict[str, int | None]:
    """Every silver table's current snapshot id, by entity (none: no table yet, or no catalog yet):
    what a reader of silver read, and what tells a later run whether silver changed since."""
    catalog = catalog_for(lake_url)
    if not catalog_exists(catalog):
        return {}
    return {name: table.snapshot_id for name, table in sorted(current_tables(catalog).items())}


def catalog_exists(catalog: IcebergCatalog) -> bool:
    """False for an embedded catalog whose SQLite file is not there yet (pyiceberg would create it
    to answer a question about it); a configured catalog service is taken to exist."""
    return (
        not catalog.uri.startswith("jdbc:sqlite:") or Path(catalog.uri.removeprefix("jdbc:sqlite:")).is_file()
    )


@dataclass(frozen=True)
class CurrentTable:
    """A silver table as its catalog has it now: the metadata file and the snapshot it calls current."""

    metadata_location: str
    snapshot_id: int | None
    committed_at: datetime | None


def current_tables(catalog: IcebergCatalog | Catalog) -> dict[str, CurrentTable]:
    """Every silver table's current metadata file and snapshot, by entity."""
    loaded = catalog.load() if isinstance(catalog, IcebergCatalog) else catalog
    if not loaded.namespace_exists(NAMESPACE):
        return {}
    tables = {}
    for _, name in loaded.list_tables(NAMESPACE):
        table = loaded.load_table((NAMESPACE, name))
        snapshot = table.metadata.current_snapshot()
        tables[name] = CurrentTable(
            table.metadata_location,
            None if snapshot is None else snapshot.snapshot_id,
            None if snapshot is None else datetime.fromtimestamp(snapshot.timestamp_ms / 1000, UTC),
        )
    return tables
