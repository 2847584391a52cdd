"""Great Expectations checks per layer (raw, silver, gold), run against frames read with DuckDB.

Suites live as JSON in the file context under `great_expectations/gx/expectations/`, one per
`<layer>__<table>`, reviewed like code. Each expectation carries GX's own `severity`: a failed
`critical` expectation fails the run with the table, the expectation and sample values; a failed
`warning` is reported and the run goes on.

Gold tables are read from the DuckDB file into pandas rather than through GX's SQL datasource:
GX 1.24's SQL path on duckdb-engine reads results after the connection is released and fails
every expectation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from flows.settings import Settings

LAYERS = ("raw", "silver", "gold")
DATASOURCE = "frames"
BATCH = "whole_frame"


@dataclass(frozen=True)
class Failure:
    """One failed expectation, with a few offending values when GX reports them."""

    table: str
    expectation: str
    severity: str
    column: str | None
    sample: list[Any]

    def describe(self, layer: str) -> str:
        """`layer.table: expectation(column) [severity] sample=[...]`."""
        column = f"({self.column})" if self.column else ""
        return f"{layer}.{self.table}: {self.expectation}{column} [{self.severity}] sample={self.sample[:5]}"


@dataclass
class LayerResult:
    """Outcome of one layer's suites."""

    layer: str
    evaluated: int = 0
    rows_checked: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    @property
    def critical(self) -> list[Failure]:
        """Failures that must stop the run."""
        return [f for f in self.failures if f.severity == "critical"]

    @property
    def warnings(self) -> list[Failure]:
        """Failures that are reported only."""
        return [f for f in self.failures if f.severity != "critical"]

    def summary(self) -> dict[str, Any]:
        """What the run report shows for this layer."""
        return {
            "evaluated": self.evaluated,
            "rows_checked": self.rows_checked,
            "warnings": [f.describe(self.layer) for f in self.warnings],
            "critical": [f.describe(self.layer) for f in self.critical],
        }


class QualityError(RuntimeError):
    """A critical expectation failed."""


def _raw_latest_load(lake: str, dataset: str, table: str) -> str:
    files = f"'{lake}/raw/{dataset}/{table}/*.parquet'"
    return (
        f"select * from read_parquet({files}, union_by_name = true) "
        f"where _dlt_load_id = (select max(_dlt_load_id) from read_parquet({files}, union_by_name = true))"
    )


def _silver(lake: str, entity: str) -> str:
    return f"select * from read_parquet('{lake}/silver/{entity}/**/*.parquet')"


def _gold(relation: str) -> str:
    return f"select * from {relation}"


# suite name -> SQL that yields the frame it validates, given the lake root
TABLES: dict[str, dict[str, Callable[[str], str]]] = {
    "raw": {
        "kaggle_movies_metadata": lambda lake: _raw_latest_load(lake, "kaggle", "movies_metadata"),
        "kaggle_ratings": lambda lake: _raw_latest_load(lake, "kaggle", "ratings"),
        "kaggle_links": lambda lake: _raw_latest_load(lake, "kaggle", "links"),
        "fred_cpiaucsl": lambda lake: _raw_latest_load(lake, "fred", "cpiaucsl"),
    },
    "silver": {
        "movies": lambda lake: _silver(lake, "movies"),
        "movie_genres": lambda lake: _silver(lake, "movie_genres"),
        "ratings": lambda lake: _silver(lake, "ratings"),
        "cpi_monthly": lambda lake: _silver(lake, "cpi_monthly"),
        "movie_financials": lambda lake: _silver(lake, "movie_financials"),
    },
    "gold": {
        "dim_movies": lambda _: _gold("marts.dim_movies"),
        "fct_ratings": lambda _: _gold("marts.fct_ratings"),
        "rpt_top_rated_movies": lambda _: _gold("marts.rpt_top_rated_movies"),
    },
}


def read_frame(sql: str, warehouse: Path | None = None) -> pd.DataFrame:
    """Run one query in DuckDB (read-only on the warehouse for gold) and return a pandas frame."""
    if warehouse is None:
        return duckdb.sql(sql).df()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(sql).df()


def validate_layer(layer: str, settings: Settings) -> LayerResult:
    """Validate every table of `layer`, rebuild Data Docs, raise QualityError on critical failures."""
    lake, warehouse, gx_root = settings.lake_url, settings.warehouse_path, settings.gx_root
    context = _context(gx_root)
    result = LayerResult(layer=layer)
    for table, query in TABLES[layer].items():
        frame = read_frame(query(lake), warehouse if layer == "gold" else None)
        result.rows_checked[table] = len(frame)
        outcome = _definition(context, f"{layer}__{table}").run(batch_parameters={"dataframe": frame})
        result.evaluated += len(outcome.results)
        result.failures += [_failure(table, item) for item in outcome.results if not item.success]
    context.build_data_docs()
    if result.critical:
        details = "; ".join(f.describe(layer) for f in result.critical)
        raise QualityError(
            f"{len(result.critical)} critical expectation(s) failed in layer {layer}: {details}"
        )
    return result


def quarantine_by_reason(settings: Settings) -> list[dict[str, Any]]:
    """Quarantined rows per layer, source, entity and reason, as the warehouse's mart counts them."""
    frame = read_frame(
        "select layer, source_name, entity, reason, count(*) as row_count from marts.fct_quarantined_records "
        "group by all order by row_count desc, layer, source_name, entity, reason",
        settings.warehouse_path,
    )
    return frame.to_dict(orient="records")


def data_docs_index(gx_root: Path) -> Path:
    """Where the local Data Docs site's index page is written."""
    return gx_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _context(gx_root: Path) -> Any:
    import great_expectations as gx  # heavy import (~15 s): only when validating

    return gx.get_context(mode="file", project_root_dir=str(gx_root))


def _definition(context: Any, name: str) -> Any:
    """The validation definition for a suite, created (and persisted) the first time it is needed."""
    import great_expectations as gx

    try:
        return context.validation_definitions.get(name)
    except Exception:  # GX raises a bare DataContextError subclass per store; absence is expected
        pass
    try:
        datasource = context.data_sources.get(DATASOURCE)
    except Exception:
        datasource = context.data_sources.add_pandas(DATASOURCE)
    asset = datasource.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe(BATCH)
    suite = context.suites.get(name)
    return context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))


def _failure(table: str, item: Any) -> Failure:
    config = item.expectation_config
    severity = str(getattr(config, "severity", "critical")).split(".")[-1].lower()
    sample = (item.result or {}).get("partial_unexpected_list") or [
        value for key, value in (item.result or {}).items() if key == "observed_value"
    ]
    return Failure(
        table=table,
        expectation=config.type,
        severity=severity,
        column=config.kwargs.get("column"),
        sample=list(sample),
    )
