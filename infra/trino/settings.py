"""Where the local Trino lives and how it is sized: environment variables with working defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from infra.trino.distribution import default_cache_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TrinoSettings:
    """One local Trino instance: its runtime folder, port, heap and the download cache."""

    home: Path
    port: int
    heap: str
    cache_dir: Path
    host: str = "127.0.0.1"
    # An s3:// lake: the hive catalog also reads S3 (MinIO when an endpoint is given). Credentials
    # reach Trino as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in its environment, never in a file.
    s3_lake: bool = False
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"

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
    def hive_metastore_dir(self) -> Path:
        """File metastore of the hive catalog (table definitions only; silver data stays in the lake)."""
        return self.home / "hive-metastore"

    @property
    def server_log(self) -> Path:
        return self.data_dir / "var" / "log" / "server.log"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TrinoSettings:
        """MOVIES_TRINO_HOME, MOVIES_TRINO_PORT, MOVIES_TRINO_HEAP, MOVIES_TRINO_CACHE; an s3:// MOVIES_LAKE
        (with AWS_ENDPOINT_URL, AWS_REGION) lets the hive catalog read the lake's bucket."""
        env = os.environ if env is None else env
        home = env.get("MOVIES_TRINO_HOME") or (REPO_ROOT / "data" / "trino").as_posix()
        cache = env.get("MOVIES_TRINO_CACHE")
        return cls(
            home=Path(home).expanduser().resolve(),
            port=int(env.get("MOVIES_TRINO_PORT", "8080")),
            heap=env.get("MOVIES_TRINO_HEAP", "2G"),
            cache_dir=Path(cache).expanduser() if cache else default_cache_dir(),
            s3_lake=env.get("MOVIES_LAKE", "").startswith(("s3://", "s3a://")),
            s3_endpoint=env.get("AWS_ENDPOINT_URL") or None,
            s3_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        )
