"""Where the local Trino lives, how it is sized and which lake it reads: the settings package's
blocks (MOVIES_TRINO_*, the lake, MOVIES_ICEBERG_*), with working defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from infra.trino.distribution import default_cache_dir
from lakehouse.catalog import CREDENTIAL_VARIABLE, IcebergCatalog, catalog_for
from lakehouse.s3 import S3Access, s3_access
from settings import IcebergSettings, Settings, TrinoSettings


def default_lake() -> str:
    """The project's own lake folder (<repo>/data/lake), when no lake is configured."""
    return Settings.read({}).lake_url


@dataclass(frozen=True)
class LocalTrino:
    """One local Trino instance: its runtime folder, port, heap, the download cache, and the lake whose
    silver tables its `silver_lake` catalog reads."""

    home: Path
    port: int
    heap: str
    cache_dir: Path
    host: str = "127.0.0.1"
    lake: str = field(default_factory=default_lake)  # a folder or an s3:// prefix (MOVIES_LAKE)
    # Silver's Iceberg catalog when it is not the SQLite file inside a local lake (lakehouse.catalog):
    # its URI, a REST catalog's warehouse, and whether Trino signs in with the OAuth2 credential (read
    # by Trino from MOVIES_ICEBERG_CREDENTIAL in its environment, never written to a file) and scope.
    catalog_uri: str | None = None
    catalog_warehouse: str | None = None
    catalog_signs_in: bool = False
    catalog_scope: str | None = None
    # An s3:// lake: S3 endpoint (MinIO when given) and region. Credentials reach Trino as
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in its environment, never in a file.
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"

    @property
    def s3_lake(self) -> bool:
        """The lake is a bucket: silver's files are read through Trino's native S3 file system."""
        return self.lake.startswith(("s3://", "s3a://"))

    @property
    def silver_catalog(self) -> IcebergCatalog:
        """The Iceberg catalog Spark writes silver into (raises for an s3:// lake without one)."""
        # The credential is Trino's reference to its own environment, never the secret itself.
        reference = f"${{ENV:{CREDENTIAL_VARIABLE}}}" if self.catalog_signs_in else None
        return catalog_for(
            self.lake,
            IcebergSettings(
                catalog_uri=self.catalog_uri,
                warehouse=self.catalog_warehouse,
                credential=reference,
                scope=self.catalog_scope,
            ),
        )

    @property
    def etc_dir(self) -> Path:
        return self.home / "etc"

    @property
    def data_dir(self) -> Path:
        """The launcher's data dir: var/log/server.log, var/run/launcher.pid."""
        return self.home / "server"

    @property
    def iceberg_dir(self) -> Path:
        """Iceberg warehouse: the file metastore and every table's data and metadata."""
        return self.home / "iceberg"

    @property
    def server_log(self) -> Path:
        return self.data_dir / "var" / "log" / "server.log"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LocalTrino:
        """MOVIES_TRINO_HOME, _PORT, _HEAP and _CACHE; the lake (MOVIES_LAKE, MOVIES_DATA_DIR) and its
        catalog (MOVIES_ICEBERG_*), with the S3 endpoint and region of lakehouse.s3; from this
        process's environment, or from `env` alone when given."""
        trino, iceberg, pipeline = TrinoSettings.read(env), IcebergSettings.read(env), Settings.read(env)
        lake = pipeline.lake_url
        access = s3_access(env) if lake.startswith("s3") else S3Access()  # endpoint, region (lakehouse.s3)
        return cls(
            home=(trino.home or pipeline.data_dir / "trino").expanduser().resolve(),
            port=trino.port,
            heap=trino.heap,
            cache_dir=default_cache_dir(trino),
            lake=lake,
            catalog_uri=iceberg.catalog_uri,
            catalog_warehouse=iceberg.warehouse,
            catalog_signs_in=iceberg.credential is not None,
            catalog_scope=iceberg.scope,
            s3_endpoint=access.endpoint,
            s3_region=access.region or "us-east-1",
        )
