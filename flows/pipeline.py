"""The Prefect flow: sample -> extract -> raw checks -> Spark silver -> silver checks -> dbt build
-> gold checks -> dbt docs -> run report. Each stage is a small task; I/O tasks retry."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from extract.pipelines import load_api_sources, load_file_sources
from extract.sample.build import build_sample
from flows import quality
from flows.dbt_runner import run_dbt
from flows.html_report import REPORT_FILE, write_html_report
from flows.report import RunReport
from flows.settings import Settings

T = TypeVar("T")


@task(name="build-sample")
def build_sample_task(sample_dir: Path) -> dict[str, Any]:
    """Build the real-data sample (deterministic: rebuilding gives the same bytes)."""
    return build_sample(sample_dir)


@task(name="extract", retries=2, retry_delay_seconds=[5, 30])
def extract_task(settings: Settings) -> list[dict[str, Any]]:
    """Load the CSV-file sources, then the API sources (replaying the sample without keys) into raw/."""
    summaries = load_file_sources(settings.source_files_dir, settings.lake_url, settings.pipelines_dir)
    summaries += load_api_sources(
        settings.source_files_dir, settings.lake_url, settings.pipelines_dir, settings.sample_dir,
        settings.api_sources, settings.sample_api_ids,
    )  # fmt: skip
    return [asdict(summary) for summary in summaries]


@task(name="validate")
def validate_task(layer: str, settings: Settings) -> dict[str, Any]:
    """Run one layer's GX suites; a critical failure raises and fails the flow."""
    result = quality.validate_layer(layer, settings.lake_url, settings.warehouse_path, settings.gx_root)
    for failure in result.warnings:
        get_run_logger().warning("quality warning: %s", failure.describe(layer))
    return {
        "evaluated": result.evaluated,
        "rows_checked": result.rows_checked,
        "warnings": [f.describe(layer) for f in result.warnings],
        "critical": [f.describe(layer) for f in result.critical],
    }


@task(name="spark-silver", retries=1, retry_delay_seconds=10)
def silver_task(settings: Settings) -> dict[str, Any]:
    """Build silver/ with a local Spark session (or the cluster spark-submit configured)."""
    from spark.jobs.silver import build_silver
    from spark.session import get_spark

    spark = get_spark("movie-warehouse-silver")
    try:
        return asdict(build_silver(spark, settings.lake_url, settings.cpi_base_month))
    finally:
        spark.stop()


@task(name="dbt")
def dbt_task(command: list[str], settings: Settings) -> dict[str, int]:
    """Run a dbt command in-process; any failed node fails the task with the node names."""
    with scoped_env(settings.runtime_env()):
        outcome = run_dbt(command, settings.dbt_project_dir, settings.dbt_target)
    return {status: outcome.count(status) for status in sorted(set(outcome.statuses.values()))}


@task(name="html-report")
def html_report_task(settings: Settings, summary: dict[str, str]) -> str:
    """Draw the HTML report from the warehouse's marts (read-only) into the reports folder."""
    return str(write_html_report(settings.warehouse_path, settings.reports_dir, summary))


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


def _timed(report: RunReport, stage: str, call: Callable[[], T]) -> T:
    started = time.perf_counter()
    value = call()
    report.durations_s[stage] = round(time.perf_counter() - started, 2)
    get_run_logger().info("stage %s done in %.1f s", stage, report.durations_s[stage])
    return value


def result_paths(settings: Settings) -> dict[str, str]:
    """The places a person looks after a run."""
    return {
        "warehouse": str(settings.warehouse_path),
        "dbt docs": str(settings.dbt_project_dir / "target" / "static_index.html"),
        "GX Data Docs": str(quality.data_docs_index(settings.gx_root)),
        "run report": str(settings.reports_dir / "run_report.md"),
        "HTML report": str(settings.reports_dir / REPORT_FILE),
    }


@flow(name="movie_warehouse", log_prints=True)
def movie_warehouse(build_sample_first: bool = True, settings: Settings | None = None) -> dict[str, Any]:
    """Build the whole warehouse; returns the run report as a dict."""
    settings = settings or Settings()
    report = RunReport(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        parameters={"target": settings.dbt_target, "lake": settings.lake_url,
                    "cpi_base_month": str(settings.cpi_base_month or "latest")},
    )  # fmt: skip
    if build_sample_first and settings.files_dir is None:
        _timed(report, "sample", lambda: build_sample_task(settings.sample_dir))
    report.loads = _timed(report, "extract", lambda: extract_task(settings))
    report.quality["raw"] = _timed(report, "validate raw", lambda: validate_task("raw", settings))
    report.silver = _timed(report, "spark", lambda: silver_task(settings))
    report.quality["silver"] = _timed(report, "validate silver", lambda: validate_task("silver", settings))
    report.dbt = _timed(report, "dbt build", lambda: dbt_task(["build"], settings))
    report.quality["gold"] = _timed(report, "validate gold", lambda: validate_task("gold", settings))
    _timed(report, "dbt docs", lambda: dbt_task(["docs", "generate", "--static"], settings))
    summary = {"run started": report.started_at, **{k: str(v) for k, v in report.parameters.items()}}
    _timed(report, "html report", lambda: html_report_task(settings, summary))
    report.paths = result_paths(settings)
    report.write(settings.reports_dir)
    create_markdown_artifact(
        markdown=report.to_markdown(), key="movie-warehouse-run", description="Run summary"
    )
    return asdict(report)
