"""Where the local Trino lives, how it is sized and which lake it reads: environment variables with
working defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from infra.trino.distribution import default_cache_dir
from lakehouse.catalog import (
    CATALOG_URI_VARIABLE,
    CREDENTIAL_VARIABLE,
    SCOPE_VARIABLE,
    WAREHOUSE_VARIABLE,
    IcebergCatalog,
    catalog_for,
)
from lakehouse.s3 import S3Access, s3_access

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LAKE = (REPO_ROOT / "data" / "lake").as_posix()


@dataclass(frozen=True)
class TrinoSettings:
    """One local Trino instance: its runtime folder, port, heap, the download cache, and the lake whose
    silver tables its `silver_lake` catalog reads."""

    home: Path
    port: int
    heap: str
    cache_dir: Path
    host: str = "127.0.0.1"
    lake: str = DEFAULT_LAKE  # a folder or an s3:// prefix (MOVIES_LAKE)
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
        if not self.catalog_uri:
            return catalog_for(self.lake, {})
        env = {
            CATALOG_URI_VARIABLE: self.catalog_uri,
            WAREHOUSE_VARIABLE: self.catalog_warehouse or "",
            CREDENTIAL_VARIABLE: f"${{ENV:{CREDENTIAL_VARIABLE}}}" if self.catalog_signs_in else "",
            SCOPE_VARIABLE: self.catalog_scope or "",
        }
        return catalog_for(self.lake, env)

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
    def from_env(cls, env: Mapping[str, str] | None = None) -> TrinoSettings:
        """MOVIES_TRINO_HOME, MOVIES_TRINO_PORT, MOVIES_TRINO_HEAP, MOVIES_TRINO_CACHE; the lake from
        MOVIES_LAKE (and MOVIES_ICEBERG_*), with the S3 endpoint and region of lakehouse.s3."""
        env = os.environ if env is None else env
        lake = env.get("MOVIES_LAKE") or DEFAULT_LAKE
        access = s3_access(env) if lake.startswith("s3") else S3Access()  # endpoint, region (lakehouse.s3)
        home = env.get("MOVIES_TRINO_HOME") or (REPO_ROOT / "data" / "trino").as_posix()
        cache = env.get("MOVIES_TRINO_CACHE")
        return cls(
            home=Path(home).expanduser().resolve(),
            port=int(env.get("MOVIES_TRINO_PORT", "8080")),
            heap=env.get("MOVIES_TRINO_HEAP", "2G"),
            cache_dir=Path(cache).expanduser() if cache else default_cache_dir(),
            lake=lake,
            catalog_uri=env.get(CATALOG_URI_VARIABLE) or None,
            catalog_warehouse=env.get(WAREHOUSE_VARIABLE) or None,
            catalog_signs_in=bool(env.get(CREDENTIAL_VARIABLE)),
            catalog_scope=env.get(SCOPE_VARIABLE) or None,
            s3_endpoint=access.endpoint,
            s3_region=access.region or "us-east-1",
        )
