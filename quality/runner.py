"""Running a layer's checks: its check frames written as parquet, its checkpoint (or the validation
definitions of some of its tables) run on them, the results turned into a LayerResult, and the
rendered Data Docs made to work offline. One validation at a time per GX context."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import chdir
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from flows.lock import file_lock
from flows.warehouse import trino_frame, warehouse_query
from lakehouse.duckdb import open_lake
from lakehouse.raw import RawListing
from lakehouse.sql import sql_string
from quality.context import FRAMES_DIR, checkpoint, failure_of, open_context
from quality.data_docs import vendor_data_docs
from quality.frames import TABLES, Lake, layer_tables
from quality.parameters import layer_parameters
from quality.results import LayerResult, QualityError
from quality.suites import load_suite, offending_rows, projected, suite_columns
from settings import Settings


def write_frames(
    layer: str, settings: Settings, folder: Path, tables: Collection[str] | None = None
) -> dict[str, int]:
    """Compute the check frames of `layer` (all, or `tables`) into `<folder>/<table>.parquet`,
    each with the columns its suite checks; returns rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    gx_dir = settings.gx_root / "gx"
    lake = Lake(settings.lake_url)
    with duckdb.connect() as connection:
        open_lake(connection, settings.lake_url)
        if layer == "gold" and settings.dbt_target == "duckdb":
            connection.execute(f"attach {sql_string(settings.warehouse_path)} as warehouse (read_only)")
            connection.execute("use warehouse")
        for table, frame in TABLES[layer].items():
            if tables is not None and table not in tables:
                continue
            path = folder / f"{table}.parquet"
            if frame.offending_only:
                sql = offending_rows(frame.sql(lake), load_suite(gx_dir, layer, table))
            else:
                sql = projected(frame.sql(lake), suite_columns(gx_dir, layer, table))
            if layer == "gold" and settings.dbt_target != "duckdb":  # the mart count comes from the target
                fct_rows = int(trino_frame("select count(*) as n from marts.fct_ratings")["n"].iloc[0])
                sql = sql.replace("(select count(*) from warehouse.marts.fct_ratings)", str(fct_rows))
            if frame.on_warehouse and settings.dbt_target != "duckdb":
                trino_frame(sql).to_parquet(path, index=False)
            else:
                connection.execute(f"copy ({sql}) to {sql_string(path)} (format parquet)")
            counted = "max(row_count)" if frame.offending_only else "count(*)"  # the rows checked
            (rows[table],) = connection.sql(
                f"select cast({counted} as bigint) from read_parquet({sql_string(path)})"
            ).fetchone() or (0,)
    return rows


def validate_layer(
    layer: str, settings: Settings, sources: Collection[str] | None = None, clock_only: bool = False
) -> LayerResult:
    """Write the layer's check frames, run its checkpoint, raise QualityError on critical failures.

    `sources`: the sources this run delivered. Raw checks cover only their tables that hold a load (a
    source left out of a run, or one that has loaded nothing yet, has nothing to check); the others are
    listed as skipped. `clock_only`: only
    the checks whose result depends on the time (gold's freshness), for data already checked.
    """
    gx_dir = settings.gx_root / "gx"
    loaded = RawListing(settings.lake_url).watermarks() if layer == "raw" else None
    tables = [
        table
        for table in layer_tables(layer, sources, loaded)
        if TABLES[layer][table].on_clock or not clock_only
    ]
    # Frames, results and Data Docs are files shared by every validation of the context.
    with file_lock(gx_dir / "uncommitted" / "validate.lock"):
        result = LayerResult(layer=layer, skipped=[t for t in TABLES[layer] if t not in tables])
        result.rows_checked = write_frames(layer, settings, gx_dir / FRAMES_DIR / layer, tables)
        context = open_context(settings.gx_root)
        parameters = layer_parameters(layer, settings, tables)
        with chdir(context.root_directory):  # see checkpoint(): relative paths are the context root's
            validations = run_checks(context, layer, tables, parameters)
        for validation in validations:
            table = validation.suite_name.split("__", 1)[1]
            result.evaluated += len(validation.results)
            result.failures += [failure_of(table, item) for item in validation.results if not item.success]
        vendor_data_docs(data_docs_index(settings.gx_root).parent)
    if result.critical:
        details = "; ".join(f.describe(layer) for f in result.critical)
        raise QualityError(
            f"{len(result.critical)} critical expectation(s) failed in layer {layer}: {details}"
        )
    return result


def quarantine_by_reason(settings: Settings) -> list[dict[str, Any]]:
    """Quarantined rows per layer, source, entity and reason, as the warehouse's mart counts them."""
    sql = (
        "select layer, source_name, entity, reason, count(*) as row_count from marts.fct_quarantined_records "
        "group by 1, 2, 3, 4 order by row_count desc, layer, source_name, entity, reason"  # both engines' SQL
    )
    with warehouse_query(settings.dbt_target, settings.warehouse_path) as query:
        return query(sql).to_dict(orient="records")


def run_checks(context: Any, layer: str, tables: list[str], parameters: dict[str, Any]) -> list[Any]:
    """Validate `tables` of `layer`: the layer's checkpoint when it is all of them; otherwise the
    checkpoint's own validation definitions for those tables, then the Data Docs pages of those
    results and the index (what the checkpoint's UpdateDataDocsAction renders per validation).

    Only this run's pages are rendered: a whole-site build renders every stored result again, and
    the store keeps every run's, so its cost would grow with every run.
    """
    layer_checkpoint = checkpoint(context, layer)
    if tables == list(TABLES[layer]):
        return list(layer_checkpoint.run(expectation_parameters=parameters).run_results.values())
    from great_expectations.core.run_identifier import RunIdentifier

    wanted = {f"{layer}__{table}" for table in tables}
    run_id = RunIdentifier(run_time=datetime.now(UTC))
    validations = [
        definition.run(
            expectation_parameters=parameters, result_format=layer_checkpoint.result_format, run_id=run_id
        )
        for definition in layer_checkpoint.validation_definitions
        if definition.name in wanted
    ]
    context.build_data_docs(resource_identifiers=_docs_resources(validations, run_id))
    return validations


def _docs_resources(validations: list[Any], run_id: Any) -> list[Any]:
    """The store keys of these validation results and of their suites (the pages to render)."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    resources: list[Any] = []
    for validation in validations:
        suite = ExpectationSuiteIdentifier(name=validation.suite_name)
        resources += [ValidationResultIdentifier(suite, run_id, validation.batch_id), suite]
    return resources


def data_docs_index(gx_root: Path) -> Path:
    """Where the local Data Docs site's index page is written."""
    return gx_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
