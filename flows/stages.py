"""The pipeline's stages as plain functions, settings in, summary out: the Prefect flow's tasks
(flows.pipeline), the `movies` CLI and the benchmark (bench.stage) call these same functions, so
they run, and skip, the same work.

Extract and Spark decide for themselves what is new (dlt's state, silver's snapshot summaries). The
other stages compare what their result depends on (its *key*) with what they last succeeded on
(flows.stage_state) and record the key when they succeed; `rerun` (a full refresh) runs a stage
whatever the record says. docs/runs.md has the table of what runs again when.

- Checks of a layer are skipped when the data and the suites are the ones last checked; gold's
  clock-dependent checks (freshness) run every time.
- dbt builds everything when silver has a new snapshot; otherwise only the nodes changed since its
  last successful build (`state:modified+`, dbt's own comparison of the project with that manifest).
- The docs and the HTML report are made again only for a warehouse they were not made from.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from extract.pipelines import FILE_SOURCES, LoadSummary, load_api_sources, load_file_sources
from flows.apis import api_route
from flows.dbt_runner import run_dbt
from flows.stage_state import StageState
from lakehouse.catalog import snapshot_ids
from lakehouse.raw import RawListing
from quality.runner import validate_layer
from quality.suites import suites_digest
from settings import Settings

NOT_RUN = "not_run"  # the key of a skipped stage's result, with the reason
UNCHANGED = "nothing new since its last run"
WAREHOUSE = "warehouse"  # the record of the build the warehouse holds, changed when dbt builds a node


def state_of(settings: Settings) -> StageState:
    """The stage record of a data dir."""
    return StageState(settings.data_dir / "state")


def not_run(result: dict[str, Any]) -> str | None:
    """Why a stage did not run (None: it ran)."""
    return result.get(NOT_RUN)


def _once(
    settings: Settings, stage: str, key: Any, rerun: bool, call: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    state = state_of(settings)
    if not rerun and state.finished_on(stage, key):
        return {NOT_RUN: UNCHANGED}
    result = call()
    state.record(stage, key)
    return result


def _suites(settings: Settings, layer: str) -> str:
    return suites_digest(settings.gx_root / "gx", layer)


def extract_files(settings: Settings, names: Collection[str] = FILE_SOURCES) -> list[dict[str, Any]]:
    """Load the CSV-file sources (the sample, a download folder or an s3:// prefix) into raw/."""
    if settings.files_dir is None and not settings.sample_dir.is_dir():
        raise FileNotFoundError(
            f"no CSV deliveries: MOVIES_FILES_DIR is not set and no sample is built in "
            f"{settings.sample_dir}; point MOVIES_FILES_DIR at a delivery, or build the offline sample "
            "first (`make sample`)"
        )
    summaries = load_file_sources(
        settings.source_files_dir, settings.lake_url, settings.pipelines_dir, tuple(names)
    )
    return [_load_summary(summary) for summary in summaries]


def extract_api(settings: Settings, name: str) -> list[dict[str, Any]]:
    """Load one API source into raw/ by this run's route (flows.apis); nothing without one."""
    route = api_route(settings)
    if route is None:
        return []
    summaries = load_api_sources(settings.source_files_dir, settings.lake_url, settings.pipelines_dir,
                                 route.target, names=(name,), ids_limit=route.ids_limit)  # fmt: skip
    return [_load_summary(summary) for summary in summaries]


def _load_summary(summary: LoadSummary) -> dict[str, Any]:
    return {
        **asdict(summary),
        "read": summary.read,
        "skipped": summary.skipped,
        "unaccounted": summary.unaccounted,
    }


def build_silver(
    settings: Settings, full_refresh: bool = False, app_name: str = "movie-warehouse-silver"
) -> dict[str, Any]:
    """Bring silver's Iceberg tables up to raw/ with Spark; `full_refresh` rebuilds every table."""
    from spark.jobs.silver import run_silver  # starts no JVM by itself, but pulls in pyspark

    return asdict(run_silver(settings.lake_url, settings.cpi_base_month, app_name, full_refresh))


def check_raw(settings: Settings, sources: Collection[str], rerun: bool = False) -> dict[str, Any]:
    """The raw checks of `sources`' tables, unless their loads, settings and suites are as last checked."""
    key = {"raw": RawListing(settings.lake_url).watermarks(), "sources": sorted(sources),
           "max_change": settings.raw_max_change, "suites": _suites(settings, "raw")}  # fmt: skip
    return _once(
        settings,
        "validate raw",
        key,
        rerun,
        lambda: validate_layer("raw", settings, sources).summary(),
    )


def check_silver(settings: Settings, rerun: bool = False) -> dict[str, Any]:
    """The silver checks, unless every table is at the snapshot last checked, with the same suites."""
    key = {"silver": snapshot_ids(settings.lake_url), "suites": _suites(settings, "silver")}
    return _once(
        settings, "validate silver", key, rerun, lambda: validate_layer("silver", settings).summary()
    )


def build_marts(settings: Settings, full_refresh: bool = False) -> dict[str, Any]:
    """dbt build: whole (`--full-refresh` on a full refresh) when silver has new snapshots since the
    last successful build or the target changed; otherwise `--select state:modified+` against that
    build's manifest. Returns dbt's counts per status (none: nothing was built)."""
    state = state_of(settings)
    key = {"silver": snapshot_ids(settings.lake_url), "target": settings.dbt_target}
    args = ["build", "--full-refresh"] if full_refresh else ["build"]
    if not full_refresh and state.finished_on("dbt build", key) and state.has_dbt_manifest():
        args += ["--select", "state:modified+", "--state", str(state.dbt_state_dir)]
    outcome = run_dbt(args, settings.dbt_project_dir, settings.dbt_target, settings.dbt_target_path)
    state.keep_dbt_manifest(settings.dbt_target_path)
    state.record("dbt build", key)
    if outcome.statuses or state.get(WAREHOUSE) is None:
        state.record(WAREHOUSE, {**key, "built_at": datetime.now(UTC).isoformat()})
    return outcome.summary()


def check_gold(settings: Settings, rerun: bool = False) -> dict[str, Any]:
    """The gold checks on a warehouse not checked yet with these suites; on one already checked, only
    the checks whose result depends on the clock (freshness)."""
    state = state_of(settings)
    key = {WAREHOUSE: state.get(WAREHOUSE), "suites": _suites(settings, "gold")}
    if not rerun and state.finished_on("validate gold", key):
        return validate_layer("gold", settings, clock_only=True).summary()
    result = validate_layer("gold", settings).summary()
    state.record("validate gold", key)
    return result


def for_the_warehouse(
    settings: Settings, stage: str, call: Callable[[], Any], rerun: bool = False
) -> dict[str, Any]:
    """Run `call` (the docs, the report) unless it was made from the warehouse as dbt last built it."""
    key = {WAREHOUSE: state_of(settings).get(WAREHOUSE)}
    return _once(settings, stage, key, rerun, lambda: {"result": call()})
