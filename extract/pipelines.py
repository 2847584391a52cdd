"""Run the dlt sources into the lake's raw/ layer (a local folder or an s3:// bucket).

Layout (see docs/lake_layout.md): `<lake>/raw/<dataset>/<table>/<load_id>.<file_id>.parquet`,
append-only, with dlt's state stored beside the data so a new machine resumes from the lake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dlt
from dlt.extract.source import DltSource

from extract.csv_files import QUARANTINE_TABLE
from extract.fred import fred_source
from extract.kaggle import kaggle_source


@dataclass(frozen=True)
class LoadSummary:
    """Rows one pipeline run appended per table, and how many of them were quarantined."""

    dataset: str
    load_ids: tuple[str, ...]
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        """Rows written to the dataset's quarantine table in this run."""
        return self.rows.get(QUARANTINE_TABLE, 0)


def raw_bucket_url(lake_url: str) -> str:
    """dlt's bucket URL for raw/: a file:// URI for a local lake, the URL itself for s3://."""
    if "://" in lake_url:
        return f"{lake_url.rstrip('/')}/raw"
    return (Path(lake_url).resolve() / "raw").as_uri()


def _configure_dlt() -> None:
    """Raw tables carry the load id (consumers dedupe: latest load wins); telemetry stays off."""
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    dlt.config["runtime.dlthub_telemetry"] = False


def run_source(source: DltSource, lake_url: str, pipelines_dir: Path) -> LoadSummary:
    """Load one source into `<lake>/raw/<source name>/` and report what it appended."""
    _configure_dlt()
    pipeline = dlt.pipeline(
        pipeline_name=f"movies_{source.name}",
        destination=dlt.destinations.filesystem(bucket_url=raw_bucket_url(lake_url)),
        dataset_name=source.name,
        pipelines_dir=str(pipelines_dir),
    )
    info = pipeline.run(source, loader_file_format="parquet")
    info.raise_on_failed_jobs()
    normalize_info = pipeline.last_trace.last_normalize_info
    rows = {
        table: count
        for table, count in (normalize_info.row_counts if normalize_info else {}).items()
        if not table.startswith("_dlt")
    }
    return LoadSummary(dataset=source.name, load_ids=tuple(info.loads_ids), rows=rows)


FILE_SOURCES: dict[str, Callable[[Path], DltSource]] = {
    "kaggle": lambda sample: kaggle_source(path=str(sample / "kaggle")),
    "fred": lambda sample: fred_source(csv_path=str(sample / "fred" / "CPIAUCSL.csv")),
}


def load_file_sources(
    files_dir: Path, lake_url: str, pipelines_dir: Path, names: tuple[str, ...] = ("kaggle", "fred")
) -> list[LoadSummary]:
    """Load the CSV-file sources found under `files_dir` (the sample or a real download)."""
    return [run_source(FILE_SOURCES[name](files_dir), lake_url, pipelines_dir) for name in names]
