"""The Prefect flow: extract (sources concurrently) -> raw checks -> Spark silver -> silver
checks -> dbt build -> gold checks -> dbt docs -> run report, HTML report and a markdown artifact.

Each stage is a small task; tasks that do I/O retry with backoff. Stage results are persisted and
keyed on (task source, inputs, flow run id), so a retried flow run (Prefect's "Retry" on a failed run,
or flow-level retries) picks up the stages that already finished instead of recomputing them. One
run per data dir at a time (`flows/lock.py`): a second one waits `MOVIES_LOCK_WAIT_SECONDS`, then
refuses naming the holder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import INPUTS, RUN_ID, TASK_SOURCE
from prefect.futures import wait
from prefect.runtime import flow_run

from dashboard import DEFAULT_PORT as DASHBOARD_PORT
from extract.pipelines import API_SOURCES, FILE_SOURCES
from flows import stages
from flows.apis import api_route
from flows.dbt_runner import run_dbt
from flows.html_report import REPORT_FILE, write_html_report
from flows.lock import run_lock
from flows.report import RunReport
from flows.warehouse import require_flow_target, resolution_rates
from quality.runner import data_docs_index, quarantine_by_reason
from settings import Settings

T = TypeVar("T")
ALL_SOURCES = (*FILE_SOURCES, *API_SOURCES)
# Completed stage results survive a retry of the flow run: same run id + same inputs = cache hit.
RESUMABLE: dict[str, Any] = {"cache_policy": TASK_SOURCE + INPUTS + RUN_ID, "persist_result": True}


@task(name="extract", task_run_name="extract-{name}", retries=2, retry_delay_seconds=[5, 30], **RESUMABLE)
def extract_task(name: str, settings: Settings) -> list[dict[str, Any]]:
    """Load one source into raw/ with its own dlt pipeline (an API source by its route, flows.apis)."""
    return (
        stages.extract_files(settings, (name,))
        if name in FILE_SOURCES
        else stages.extract_api(settings, name)
    )


@task(name="validate", task_run_name="validate-{layer}", **RESUMABLE)
def validate_task(
    layer: str, settings: Settings, sources: tuple[str, ...] = (), rerun: bool = False
) -> dict[str, Any]:
    """Run one layer's GX checks (raw: the tables of `sources`) unless its data were checked already
    (flows.stages); a critical failure fails the flow."""
    checks = {
        "raw": lambda: stages.check_raw(settings, sources, rerun),
        "silver": lambda: stages.check_silver(settings, rerun),
        "gold": lambda: stages.check_gold(settings, rerun),
    }
    result = checks[layer]()
    if result.get("skipped"):
        get_run_logger().info(
            "%s checks skipped (source not in this run, or nothing loaded yet): %s",
            layer,
            ", ".join(result["skipped"]),
        )
    for failure in result.get("warnings", []):
        get_run_logger().warning("quality warning: %s", failure)
    return result


@task(name="spark-silver", retries=1, retry_delay_seconds=10, **RESUMABLE)
def silver_task(settings: Settings, full_refresh: bool = False) -> dict[str, Any]:
    """Bring silver's Iceberg tables up to raw/ with a local Spark session (or the cluster
    spark-submit configured); `full_refresh` rebuilds every table from all of raw/."""
    return stages.build_silver(settings, full_refresh)


@task(name="silver-maintenance", retries=1, retry_delay_seconds=10, **RESUMABLE)
def maintenance_task(settings: Settings) -> dict[str, Any]:
    """Expire silver's old snapshots and remove orphan files past the retention (Iceberg's procedures)."""
    from spark.jobs.maintenance import run_maintenance

    return run_maintenance(settings.lake_url, timedelta(days=settings.silver_retention_days))


@task(name="dbt-build", **RESUMABLE)
def dbt_build_task(settings: Settings, full_refresh: bool = False) -> dict[str, Any]:
    """`dbt build` in-process, of what changed (flows.stages.build_marts); any failed node fails the
    task, naming it."""
    with scoped_env(settings.runtime_env()):
        return stages.build_marts(settings, full_refresh)


@task(name="dbt-docs", **RESUMABLE)
def dbt_docs_task(settings: Settings, rerun: bool = False) -> dict[str, Any]:
    """The static dbt docs site, unless it was generated from this warehouse already."""

    def generate() -> str:
        with scoped_env(settings.runtime_env()):
            outcome = run_dbt(["docs", "generate", "--static"], settings.dbt_project_dir,
                              settings.dbt_target, settings.dbt_target_path)  # fmt: skip
        return outcome.command

    return stages.for_the_warehouse(settings, "dbt docs", generate, rerun)


@task(name="html-report")
def html_report_task(settings: Settings, summary: dict[str, str], rerun: bool = False) -> dict[str, Any]:
    """Draw the HTML report from the warehouse's marts (read-only) into the reports folder, unless it
    was drawn from this warehouse already."""

    def draw() -> str:
        return str(
            write_html_report(settings.warehouse_path, settings.reports_dir, summary, settings.dbt_target)
        )

    return stages.for_the_warehouse(settings, "html report", draw, rerun)


@task(name="quarantine-summary")
def quarantine_task(settings: Settings) -> list[dict[str, Any]]:
    """Quarantined rows by layer, source, entity and reason, from the warehouse's fct_quarantined_records."""
    return quarantine_by_reason(settings)


@task(name="resolution-rates")
def resolution_task(settings: Settings) -> list[dict[str, Any]]:
    """Per pair of sources, the share of ids that resolve (the warehouse's rpt_entity_resolution)."""
    return resolution_rates(settings.dbt_target, settings.warehouse_path)


@contextmanager
def scoped_env(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Progress:
    """Times each stage into the report and logs what a person follows: stage, counts, elapsed."""

    def __init__(self, report: RunReport) -> None:
        self.report = report
        self.started = time.perf_counter()
        self.current = "start"

    def stage(self, name: str, call: Callable[[], T], counts: Callable[[T], str] | None = None) -> T:
        """Run one stage, log its start and its end with counts and the run's elapsed time."""
        log = get_run_logger()
        self.current = name
        log.info("stage %s: started (run elapsed %.0f s)", name, time.perf_counter() - self.started)
        began = time.perf_counter()
        value = call()
        self.report.durations_s[name] = round(time.perf_counter() - began, 2)
        said = f"; {counts(value)}" if counts else ""
        log.info("stage %s: done in %.1f s (run elapsed %.0f s)%s", name, self.report.durations_s[name],
                 time.perf_counter() - self.started, said)  # fmt: skip
        return value


def loads_counts(loads: list[dict[str, Any]]) -> str:
    """'kaggle 117,014 rows (quarantine 0), fred 956 rows (quarantine 1)'."""
    said = [
        (load["dataset"], sum(load["rows"].values()), load["rows"].get("quarantine", 0)) for load in loads
    ]
    return ", ".join(f"{dataset} {rows:,} rows (quarantine {bad})" for dataset, rows, bad in said)


class DataLossError(RuntimeError):
    """Records a source read are neither in its tables nor in its quarantine."""


def check_totals(loads: list[dict[str, Any]]) -> None:
    """Every record a source read is loaded, quarantined or skipped as unchanged; else the run fails."""
    lost = [load for load in loads if load.get("unaccounted")]
    if lost:
        details = "; ".join(
            f"{load['dataset']}: read {load['read']:,}, loaded + quarantined + skipped "
            f"{load['read'] - load['unaccounted']:,}"
            for load in lost
        )
        raise DataLossError(f"records lost between the sources and raw/: {details}")


def silver_counts(silver: dict[str, Any]) -> str:
    """'23 entities, 650,000 rows, 234 quarantined'."""
    rows = silver.get("rows", {})
    quarantined = sum(silver.get("quarantined_by_reason", {}).values())
    return f"{len(rows)} entities, {sum(rows.values()):,} rows, {quarantined} quarantined"


def check_counts(summary: dict[str, Any]) -> str:
    """'48 expectations on 5 tables (120,000 rows), 1 warning(s)', or why the checks did not run."""
    if stages.not_run(summary):
        return f"skipped: {stages.not_run(summary)}"
    rows = sum(summary["rows_checked"].values())
    return (f"{summary['evaluated']} expectations on {len(summary['rows_checked'])} tables ({rows:,} rows), "
            f"{len(summary['warnings'])} warning(s)")  # fmt: skip


def made_counts(result: dict[str, Any]) -> str:
    """What the docs or report stage made, or why it made nothing."""
    return f"skipped: {stages.not_run(result)}" if stages.not_run(result) else str(result.get("result", ""))


def dbt_counts(summary: dict[str, Any]) -> str:
    """'success 46, pass 216', or 'built nothing'."""
    return ", ".join(f"{status} {n}" for status, n in sorted(summary["statuses"].items())) or "built nothing"


def result_paths(settings: Settings) -> dict[str, str]:
    """The places a person looks after a run."""
    return {
        "warehouse": str(settings.warehouse_path),
        "dbt docs": str(settings.dbt_target_path / "static_index.html"),
        "GX Data Docs": str(data_docs_index(settings.gx_root)),
        "run report": str(settings.reports_dir / "run_report.md"),
        "HTML report": str(settings.reports_dir / REPORT_FILE),
        "dashboard": f"make dashboard, then http://127.0.0.1:{DASHBOARD_PORT}",
    }


def configure(
    settings: Settings, target: str | None, sources: list[str] | None, cpi_base_month: date | None
) -> tuple[Settings, tuple[str, ...]]:
    """Apply the flow's parameters to the settings; check the source names and the dbt target."""
    names = tuple(sources) if sources is not None else (*FILE_SOURCES, *settings.api_sources)
    unknown = sorted(set(names) - set(ALL_SOURCES))
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; choose from {list(ALL_SOURCES)}")
    names = _reachable(settings, names, asked=sources is not None)
    require_flow_target(target or settings.dbt_target)
    update = {
        "dbt_target": target or settings.dbt_target,
        "cpi_base_month": cpi_base_month or settings.cpi_base_month,
    }
    return settings.model_copy(update=update), names


def _reachable(settings: Settings, names: tuple[str, ...], asked: bool) -> tuple[str, ...]:
    """The sources this run can load: without API keys (flows.apis warns) the API sources leave the
    run, so no stage checks tables nobody loaded; API sources named explicitly need their keys."""
    wanted = [name for name in names if name in API_SOURCES]
    if not wanted or api_route(settings) is not None:
        return names
    if asked:
        raise ValueError(
            f"source(s) {wanted} need API keys (sources.omdb.api_key, sources.tmdb.access_token in "
            ".dlt/secrets.toml or SOURCES__* variables); none is configured"
        )
    return tuple(name for name in names if name in FILE_SOURCES)


@flow(name="movie_warehouse", log_prints=True)
def movie_warehouse(
    target: str | None = None,
    sources: list[str] | None = None,
    full_refresh: bool = False,
    cpi_base_month: date | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Build the whole warehouse; returns the run report as a dict.

    target: dbt target in dbt_project/profiles.yml (default MOVIES_DBT_TARGET, `duckdb`);
    sources: the sources to extract (default kaggle, fred and MOVIES_API_SOURCES), each its own
    dlt pipeline, all at once; full_refresh: rebuild silver's tables and dbt's incremental models;
    cpi_base_month: the month whose prices adjusted money is expressed in (default the latest).
    """
    settings, names = configure(settings or Settings(), target, sources, cpi_base_month)
    with run_lock(settings.data_dir, settings.lock_wait_seconds, flow_run.get_name() or ""):
        return build_warehouse(settings, names, full_refresh)


def build_warehouse(settings: Settings, sources: tuple[str, ...], full_refresh: bool) -> dict[str, Any]:
    """The stages in order, under the run lock."""
    report = RunReport(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        parameters={"target": settings.dbt_target, "sources": ",".join(sources), "full_refresh": full_refresh,
                    "lake": settings.lake_url, "cpi_base_month": str(settings.cpi_base_month or "latest")},
    )  # fmt: skip
    progress = Progress(report)
    try:
        run_stages(settings, sources, full_refresh, report, progress)
    except Exception as error:
        report.failure = f"stage {progress.current}: {error}"
        raise
    finally:
        report.paths = result_paths(settings)
        report.write(settings.reports_dir)
        create_markdown_artifact(
            markdown=report.to_markdown(), key="movie-warehouse-run", description="Run summary"
        )
    return asdict(report)


def run_stages(
    settings: Settings,
    sources: tuple[str, ...],
    full_refresh: bool,
    report: RunReport,
    progress: Progress,
) -> None:
    """Every stage in order; each fills its part of the report. Work on inputs it last succeeded on
    is skipped (flows.stages, docs/runs.md), unless `full_refresh`."""
    report.loads = progress.stage("extract", lambda: extract_concurrently(settings, sources), loads_counts)
    check_totals(report.loads)
    raw = progress.stage(
        "validate raw", lambda: validate_task("raw", settings, sources, full_refresh), check_counts
    )
    if not report.skipped_stage("validate raw", raw):
        report.quality["raw"] = raw
    report.silver = progress.stage("spark", lambda: silver_task(settings, full_refresh), silver_counts)
    silver = progress.stage(
        "validate silver", lambda: validate_task("silver", settings, rerun=full_refresh), check_counts
    )
    if not report.skipped_stage("validate silver", silver):
        report.quality["silver"] = silver
    if set(report.silver.get("published", {}).values()) - {"unchanged"}:  # only after a commit
        report.maintenance = progress.stage("maintain silver", lambda: maintenance_task(settings))
    report.dbt = progress.stage("dbt build", lambda: dbt_build_task(settings, full_refresh), dbt_counts)
    report.quality["gold"] = progress.stage(
        "validate gold", lambda: validate_task("gold", settings, rerun=full_refresh), check_counts
    )
    report.quarantine = progress.stage("quarantine summary", lambda: quarantine_task(settings))
    report.resolution = progress.stage("resolution rates", lambda: resolution_task(settings))
    docs = progress.stage("dbt docs", lambda: dbt_docs_task(settings, full_refresh), made_counts)
    report.skipped_stage("dbt docs", docs)
    summary = {"run started": report.started_at, **{k: str(v) for k, v in report.parameters.items()}}
    drawn = progress.stage(
        "html report", lambda: html_report_task(settings, summary, full_refresh), made_counts
    )
    report.skipped_stage("html report", drawn)


def extract_concurrently(settings: Settings, sources: tuple[str, ...]) -> list[dict[str, Any]]:
    """Submit one extract task per source at once; wait for all, then fail if any failed.

    OMDb alone waits for TMDB (when both run): it is asked about the IMDb ids TMDB has loaded, so
    this run's new TMDB films reach OMDb in this run, whatever the timing.
    """
    futures: dict[str, Any] = {}
    for name in sorted(sources, key=lambda name: name == "omdb"):
        after = [futures["tmdb"]] if name == "omdb" and "tmdb" in futures else []
        futures[name] = extract_task.submit(name, settings, wait_for=after, return_state=False)
    wait(list(futures.values()))
    return [load for name in sources for load in futures[name].result()]
