"""Which warehouse the dashboard reads: the run's dbt target and DuckDB file, from the settings."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from flows.warehouse import require_flow_target, warehouse_query
from settings import Settings

# Trino has no file to watch for a new build: its cached answers are kept for this long.
TRINO_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Warehouse:
    """The dbt target the warehouse was built on (duckdb or trino) and its DuckDB file."""

    target: str
    path: Path

    @classmethod
    def from_settings(cls) -> Warehouse:
        """The warehouse `movies run` builds with the same MOVIES_* settings."""
        settings = Settings()
        require_flow_target(settings.dbt_target)
        return cls(settings.dbt_target, settings.warehouse_path)

    @property
    def location(self) -> str:
        """Where it is, for people: the file, or the Trino target."""
        return str(self.path) if self.target == "duckdb" else "Trino (MOVIES_TRINO_*)"

    def exists(self) -> bool:
        """Whether there is a warehouse to read (a Trino target is assumed to be up)."""
        return self.target != "duckdb" or self.path.is_file()

    def version(self) -> str:
        """Changes when a build changes the warehouse: the file's modification time on DuckDB."""
        if self.target == "duckdb":
            return str(self.path.stat().st_mtime_ns)
        return str(int(time.time() // TRINO_CACHE_SECONDS))

    def built_at(self) -> str:
        """When the DuckDB file was last written (unknown for Trino)."""
        if self.target != "duckdb":
            return "time unknown"
        return datetime.fromtimestamp(self.path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")

    def frame(self, sql: str) -> pd.DataFrame:
        """One query's rows; the DuckDB file is opened read-only for it and closed again."""
        with warehouse_query(self.target, self.path) as query:
            return query(sql)
