"""Run the dlt sources into the lake's raw/ layer (a local folder or an s3:// bucket).

Layout (see docs/lake_layout.md): `<lake>/raw/<dataset>/<table>/<load_id>.<file_id>.parquet`,
append-only, with dlt's state stored beside the data so a new machine resumes from the lake.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import dlt
from dlt.common.schema import Schema
from dlt.extract.source import DltSource

from extract.csv_files import QUARANTINE_TABLE, location
from extract.fred import fred_source
from extract.kaggle import kaggle_source
from extract.omdb import omdb_source
from extract.omdb.ids import imdb_ids
from extract.omdb.priority import rating_counts
from extract.omdb.refresh import RatingCounts
from extract.tmdb import tmdb_source
from extract.yts import yts_source

log = logging.getLogger(__name__)
API_SOURCES = ("omdb", "tmdb", "yts")


@dataclass(frozen=True)
class LoadSummary:
    """Rows one pipeline run appended per table, and how many of them were quarantined."""

    dataset: str
    load_ids: tuple[str, ...]
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # read:/skipped:<table>, not_found, retries, ...
    # Columns this run added to a table the source declares: fields the source began to send
    # (extract/rest/tables.py), by table; reported by the run that first lands them (and again by
    # the first run after the pipelines folder was lost, which compares with no stored schema).
    new_columns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        """Rows written to the dataset's quarantine table in this run."""
        return self.rows.get(QUARANTINE_TABLE, 0)

    def _by_table(self, kind: str) -> dict[str, int]:
        prefix = f"{kind}:"
        return {key.removeprefix(prefix): n for key, n in self.counts.items() if key.startswith(prefix)}

    @property
    def read_by_table(self) -> dict[str, int]:
        """Records the source read per table (`read:<table>` counts): CSV records, API payloads."""
        return self._by_table("read")

    @property
    def read(self) -> int | None:
        """Records the source read in this run (None when it counted none, e.g. an empty delivery)."""
        return sum(self.read_by_table.values()) if self.read_by_table else None

    @property
    def skipped(self) -> int:
        """Records read but left out on purpose: an API record unchanged since it was loaded."""
        return sum(self._by_table("skipped").values())

    @property
    def unaccounted(self) -> int:
        """Read but neither loaded, quarantined nor skipped (dlt's own row counts): 0, or data was lost."""
        read = self.read_by_table
        loaded = sum(self.rows.get(table, 0) for table in read)
        return sum(read.values()) - loaded - self.quarantined - self.skipped if read else 0


def raw_bucket_url(lake_url: str) -> str:
    """dlt's bucket URL for raw/: a file:// URI for a local lake, the URL itself for s3://."""
    if "://" in lake_url:
        return f"{lake_url.rstrip('/')}/raw"
    return (Path(lake_url).resolve() / "raw").as_uri()


def _configure_dlt() -> None:
    """Raw tables carry the load id (consumers dedupe: latest load wins); telemetry stays off."""
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    dlt.config["runtime.dlthub_telemetry"] = False


def run_source(
    source: DltSource, lake_url: str, pipelines_dir: Path, counts: Mapping[str, int] | None = None
) -> LoadSummary:
    """Load one source into `<lake>/raw/<source name>/` and report what it appended."""
    _configure_dlt()
    pipeline = dlt.pipeline(
        pipeline_name=f"movies_{source.name}",
        destination=dlt.destinations.filesystem(bucket_url=raw_bucket_url(lake_url)),
        dataset_name=source.name,
        pipelines_dir=str(pipelines_dir),
    )
    resumed: tuple[str, ...] = ()
    _finish_normalize_commit(pipeline, source.name)
    if pipeline.has_pending_data:  # an earlier run died mid-way: finish its load first, then this one
        log.warning("%s: finishing the load an interrupted run left in %s", source.name, pipeline.working_dir)
        pipeline.normalize()  # packages extracted but not normalized (no-op when there are none)
        finished = pipeline.load()
        finished.raise_on_failed_jobs()
        resumed = tuple(finished.loads_ids)
    declared = _columns(source.schema)
    known = _columns(pipeline.schemas[source.name]) if source.name in pipeline.schema_names else {}
    info = pipeline.run(source, loader_file_format="parquet")
    info.raise_on_failed_jobs()
    new_columns = _new_columns(declared, known, _columns(pipeline.schemas[source.name]))
    for table, columns in new_columns.items():
        log.warning("%s.%s: new field(s) %s landed as text columns", source.name, table, ", ".join(columns))
    normalize_info = pipeline.last_trace.last_normalize_info
    rows = {
        table: count
        for table, count in (normalize_info.row_counts if normalize_info else {}).items()
        if not table.startswith("_dlt")
    }
    loads = (*resumed, *info.loads_ids)
    return LoadSummary(source.name, loads, rows, dict(sorted((counts or {}).items())), new_columns)


def _finish_normalize_commit(pipeline: dlt.Pipeline, name: str) -> None:
    """Finish a normalize commit a killed run left half done.

    dlt commits a normalized package by renaming it into `load/normalized/`, then deleting its
    extracted copy (it logs "Committing storage, do not kill this process"). Killed in between, the
    extracted copy is left half deleted (no `new_jobs/`), and every later normalize fails on it with
    FileNotFoundError: the pipeline never loads again (found by the chaos chain). Its content is in
    the committed package, so the leftover goes, as dlt would have done.
    """
    root = Path(pipeline.working_dir)
    committed = {p.name for folder in ("normalized", "loaded") for p in (root / "load" / folder).glob("*")}
    for leftover in sorted((root / "normalize" / "extracted").glob("*")):
        if leftover.name in committed:
            log.warning("%s: removing the extracted copy of committed package %s", name, leftover.name)
            shutil.rmtree(leftover)


def _columns(schema: Schema) -> dict[str, set[str]]:
    """The columns of each data table of a dlt schema (dlt's own tables left out)."""
    return {name: set(schema.get_table_columns(name)) for name in schema.data_table_names()}


def _new_columns(
    declared: dict[str, set[str]], known: dict[str, set[str]], after: dict[str, set[str]]
) -> dict[str, list[str]]:
    """Columns of declared tables that neither the declaration nor the stored schema had before."""
    added = {
        table: sorted(
            name
            for name in after.get(table, set()) - columns - known.get(table, set())
            if not name.startswith("_dlt_")
        )
        for table, columns in declared.items()
        if columns
    }
    return {table: names for table, names in added.items() if names}


FILE_SOURCES: dict[str, Callable[[str, Counter[str]], DltSource]] = {
    "kaggle": lambda files, counts: kaggle_source(path=location.join(files, "kaggle"), counts=counts),
    "fred": lambda files, counts: fred_source(
        csv_path=location.join(files, "fred", "CPIAUCSL.csv"), counts=counts
    ),
}


def load_file_sources(
    files_dir: Path | str, lake_url: str, pipelines_dir: Path, names: tuple[str, ...] = ("kaggle", "fred")
) -> list[LoadSummary]:
    """Load the CSV-file sources under `files_dir`: the sample, a download folder or an `s3://` prefix."""
    summaries = []
    for name in names:
        counts: Counter[str] = Counter()
        summaries.append(
            run_source(FILE_SOURCES[name](str(files_dir), counts), lake_url, pipelines_dir, counts)
        )
    return summaries


@dataclass(frozen=True)
class ApiTarget:
    """Where the API sources connect, how hard they push and how often OMDb is asked again;
    None = dlt config/secrets/env or the source's default (`omdb_refresh_days=0` never re-asks)."""

    omdb_url: str | None = None
    tmdb_url: str | None = None
    yts_url: str | None = None
    omdb_api_key: str | None = None
    tmdb_token: str | None = None
    requests_per_second: float | None = None
    max_workers: int | None = None
    omdb_refresh_days: int | None = None
    omdb_daily_quota: int | None = None

    def options(self, url: str | None, **extra: str | int | None) -> dict[str, Any]:
        """Keyword arguments for a source factory, leaving unset ones to dlt config/secrets."""
        given = {"base_url": url, "requests_per_second": self.requests_per_second,
                 "max_workers": self.max_workers, **extra}  # fmt: skip
        return {key: value for key, value in given.items() if value is not None}


def _omdb(target: ApiTarget, ids: list[str], counts: Counter[str], ranks: RatingCounts) -> DltSource:
    """OMDb for `ids`, refreshing stale answers in the order `ranks` gives."""
    options = target.options(
        target.omdb_url,
        api_key=target.omdb_api_key,
        refresh_after_days=target.omdb_refresh_days,
        daily_quota=target.omdb_daily_quota,
    )
    return omdb_source(imdb_ids=ids, counts=counts, rating_counts=ranks, **options)


# (target, IMDb ids, the run's counts, MovieLens rating counts per IMDb id) -> the source
API_FACTORIES: dict[str, Callable[[ApiTarget, list[str], Counter[str], RatingCounts], DltSource]] = {
    "omdb": _omdb,
    "tmdb": lambda target, _, counts, __: tmdb_source(
        counts=counts, **target.options(target.tmdb_url, access_token=target.tmdb_token)
    ),
    "yts": lambda target, _, counts, __: yts_source(counts=counts, **target.options(target.yts_url)),
}


def run_api_sources(
    target: ApiTarget,
    ids: list[str],
    lake_url: str,
    pipelines_dir: Path,
    names: tuple[str, ...],
    files_dir: Path | str | None = None,
) -> list[LoadSummary]:
    """Run the named API sources against one target, each into `<lake>/raw/<name>/`; OMDb refreshes
    stale answers most-rated first by the lake's ratings and `files_dir`'s links (by id without)."""
    ranks = partial(rating_counts, lake_url, None if files_dir is None else str(files_dir))
    summaries = []
    for name in names:
        counts: Counter[str] = Counter()
        summaries.append(
            run_source(API_FACTORIES[name](target, ids, counts, ranks), lake_url, pipelines_dir, counts)
        )
    return summaries


def api_keys_configured() -> bool:
    """True when an OMDb key or TMDB token is set in .dlt/secrets.toml or the environment."""
    keys = ("sources.omdb.api_key", "sources.tmdb.access_token", "sources.tmdb.api_key")
    return any(dlt.secrets.get(key) for key in keys)


def load_api_sources(
    files_dir: Path | str,
    lake_url: str,
    pipelines_dir: Path,
    target: ApiTarget,
    names: tuple[str, ...] = API_SOURCES,
    ids_limit: int | None = None,
) -> list[LoadSummary]:
    """Load OMDb, TMDB and YTS from `target` (`ApiTarget()`: the real services, with the keys of
    .dlt/secrets.toml or the environment); OMDb is asked about the first `ids_limit` IMDb ids the
    other sources name (all by default)."""
    _configure_dlt()
    ids = imdb_ids(files_dir, lake_url)
    return run_api_sources(target, ids[:ids_limit], lake_url, pipelines_dir, names, files_dir)
