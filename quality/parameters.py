"""Expectation parameters: the values a suite's `{"$PARAMETER": ...}` stands for, which change per
run (row-count bounds from a delivery's previous load, the gold freshness limit)."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import duckdb

from lakehouse.duckdb import open_lake
from quality.frames import FILE_DELIVERIES, parquet
from settings import Settings


def _bounds(previous: int | None, max_change: float) -> tuple[int, int | None]:
    """(min, max) rows within `max_change` of the previous load; at least one row, no maximum at first."""
    if not previous:
        return 1, None
    return max(1, math.floor(previous * (1 - max_change))), math.ceil(previous * (1 + max_change))


def raw_parameters(settings: Settings, tables: Collection[str] = FILE_DELIVERIES) -> dict[str, Any]:
    """Row-count bounds for each file delivery: its previous load's count +- MOVIES_RAW_MAX_CHANGE."""
    parameters: dict[str, Any] = {}
    with duckdb.connect() as connection:
        open_lake(connection, settings.lake_url)
        for table in (table for table in FILE_DELIVERIES if table in tables):
            dataset, name = table.split("_", 1)
            counts = connection.sql(
                f"select count(*) from {parquet(settings.lake_url, 'raw', f'{dataset}/{name}')} "
                "group by _dlt_load_id order by _dlt_load_id desc limit 2"
            ).fetchall()
            previous = counts[1][0] if len(counts) > 1 else None
            parameters[f"{table}_min_rows"], parameters[f"{table}_max_rows"] = _bounds(
                previous, settings.raw_max_change
            )
    return parameters


def layer_parameters(layer: str, settings: Settings, tables: Collection[str] | None = None) -> dict[str, Any]:
    """The `$PARAMETER` values a layer's suites (all, or those of `tables`) refer to."""
    if layer == "raw":
        return raw_parameters(settings, FILE_DELIVERIES if tables is None else tables)
    if layer == "gold":
        return {"gold_max_age_hours": settings.gold_max_age_hours}
    return {}
