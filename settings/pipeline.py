"""The pipeline's settings: where it reads and writes (data dir, lake, files, warehouse), the dbt
target, and the flow's own knobs (MOVIES_*)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from settings.blocks import Block

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(Block):
    """Where the pipeline reads and writes, and how it runs. Every default works offline."""

    model_config = SettingsConfigDict(env_prefix="MOVIES_")

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="root of all generated data")
    lake: str | None = Field(default=None, description="lake root; default <data_dir>/lake")
    files_dir: str | None = Field(
        default=None,
        description="CSV-file sources (kaggle/, fred/): a folder or s3:// prefix; default the built sample",
    )
    warehouse: Path | None = Field(
        default=None, description="DuckDB file; default <data_dir>/warehouse.duckdb"
    )
    dbt_target: str = Field(default="duckdb", description="dbt target in dbt_project/profiles.yml")
    cpi_base_month: date | None = Field(default=None, description="CPI base month; default latest")
    api_sources: tuple[str, ...] = Field(
        default=("omdb", "tmdb", "yts"), description="API sources extract loads (JSON list in env)"
    )
    omdb_ids_limit: int | None = Field(
        default=None, description="ask OMDb about only the first N IMDb ids (a quicker run); default all"
    )
    omdb_refresh_days: int | None = Field(
        default=None,
        description="OMDb answers older than this many days are asked for again (most-rated films "
        "first); 0 never re-asks; default the source's 30 (or dlt config sources.omdb.refresh_after_days)",
    )
    omdb_daily_quota: int | None = Field(
        default=None,
        description="at most this many OMDb requests per UTC day; default none of our own "
        "(ask until OMDb answers that its daily limit is reached)",
    )
    lock_wait_seconds: float = Field(
        default=0.0,
        description="a second run on the same data dir waits this long for the first, then refuses",
    )
    raw_max_change: float = Field(
        default=0.5,
        description="raw checks: a table's newest load may differ from the one before by this share",
    )
    silver_retention_days: float = Field(
        default=7.0,
        description="silver maintenance: snapshots and orphan files older than this are removed "
        "(each table keeps its newest 5 snapshots whatever their age)",
    )
    gold_max_age_hours: float = Field(
        default=72.0, description="gold checks: the newest load in the marts is at most this old (warning)"
    )
    project_root: Path = PROJECT_ROOT

    @property
    def lake_url(self) -> str:
        """The lake root as a path or URL."""
        return self.lake or str(self.data_dir / "lake")

    @property
    def sample_dir(self) -> Path:
        """Where the real-data sample is built."""
        return self.data_dir / "sample"

    @property
    def source_files_dir(self) -> str:
        """CSV-file sources: a real download (folder or s3:// prefix) if configured, else the sample."""
        return self.files_dir or str(self.sample_dir)

    @property
    def warehouse_path(self) -> Path:
        """The DuckDB warehouse file."""
        return self.warehouse or self.data_dir / "warehouse.duckdb"

    @property
    def reports_dir(self) -> Path:
        """Run reports (markdown and JSON)."""
        return self.data_dir / "reports"

    @property
    def dbt_target_path(self) -> Path:
        """dbt's target folder (manifest, run results, the docs site) for this data dir."""
        return self.data_dir / "dbt_target"

    @property
    def pipelines_dir(self) -> Path:
        """dlt's local working folders (state itself lives with the lake)."""
        return self.data_dir / "dlt_pipelines"

    @property
    def dbt_project_dir(self) -> Path:
        """The dbt project, with its own profiles.yml."""
        return self.project_root / "dbt_project"

    @property
    def gx_root(self) -> Path:
        """The Great Expectations file context's parent folder."""
        return self.project_root / "great_expectations"

    def runtime_env(self) -> dict[str, str]:
        """Environment the tools read: dbt's profile paths, and every telemetry switched off."""
        return {
            "MOVIES_LAKE": self.lake_url,
            "MOVIES_WAREHOUSE": str(self.warehouse_path),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            "GX_ANALYTICS_ENABLED": "false",
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_HOME": str(self.data_dir / "prefect"),
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            # A fresh PREFECT_HOME migrates its database first: give the in-process server time.
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        }

    def export_runtime_env(self) -> None:
        """Put `runtime_env` into this process's environment, before Prefect, dbt, GX or Streamlit
        read their settings; a variable the user set already wins."""
        for key, value in self.runtime_env().items():
            os.environ.setdefault(key, value)
