"""Whether silver already holds what raw/ and the requested base month give, decided without Spark.

A silver build records what it was built from (spark.jobs.silver): every table's current snapshot
carries `movies.inputs`, ratings carry `movies.loads` and the `movies.resolved-against` property, and
the build's summary (base month, quarantine and crosswalk counts) is the `movies.silver-summary`
property of the quarantine table, stamped with the same inputs. When all of that matches this run's
inputs (a raw listing, lakehouse.raw) the build would commit nothing: the summary is read back from
the catalog through pyiceberg and no JVM starts. Anything missing or different (a new load, a build
that died half way, another base month) says "not current", and the Spark build decides table by
table.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from lakehouse.catalog import NAMESPACE, catalog_exists, catalog_for
from lakehouse.raw import RawListing
from spark.jobs.ratings import LOADS, RESOLVED_AGAINST
from spark.lake import PROPERTY_PREFIX

if TYPE_CHECKING:
    from pyiceberg.table import Table

INPUTS = "inputs"  # the snapshot property recording what a table was built from
SUMMARY = "silver-summary"  # the quarantine table's property holding the build's summary
RATINGS_RAW = "kaggle/ratings"
CPI = "fred/cpiaucsl"  # the raw table a requested base month is read against
RESOLVED_FROM = ("movies", "movie_links")  # the tables ratings resolve their movie ids through


def build_inputs(lake_url: str, requested_base: date | None) -> dict[str, Any]:
    """What a build reads, as recorded on its commits (JSON values: lists, not tuples)."""
    inputs = {
        "raw": RawListing(lake_url).watermarks(),
        "base_month": requested_base and requested_base.isoformat(),
    }
    return json.loads(json.dumps(inputs))


def entity_inputs(inputs: dict[str, Any], tables_read: Collection[str] | None) -> dict[str, Any]:
    """What one table is built from, as its commits record it: the watermarks of the raw tables its
    plan reads (every one, when that is not known), the names of every raw table there is (a new
    one, e.g. a source's first load, may be read by any), and the requested base month when it reads
    CPI. A table is rebuilt when this differs from its record, so a new load of one raw table
    rebuilds only the tables computed from it."""
    raw = (
        inputs["raw"] if tables_read is None else {t: w for t, w in inputs["raw"].items() if t in tables_read}
    )
    return {
        "raw": raw,
        "tables": sorted(inputs["raw"]),
        "base_month": inputs["base_month"] if CPI in raw else None,
    }


def is_built_from(recorded: Any, inputs: dict[str, Any]) -> bool:
    """Whether a table's recorded inputs are what this run would record for it (the raw tables it
    read last time standing for the ones it reads: `tables` says whether any appeared since)."""
    return (
        isinstance(recorded, dict)
        and isinstance(recorded.get("raw"), dict)
        and (entity_inputs(inputs, recorded["raw"].keys()) == recorded)
    )


def resolved_against(snapshot_ids: Mapping[str, int | None]) -> dict[str, int | None]:
    """What ratings are resolved against: the snapshots of the tables their movie ids come from."""
    return {name: snapshot_ids.get(name) for name in RESOLVED_FROM}


def current_summary(
    lake_url: str, inputs: dict[str, Any], entities: tuple[str, ...]
) -> dict[str, Any] | None:
    """The build's summary when every table in `entities` is already built from `inputs` (see the
    module docstring), else None. Rows come from each table's snapshot summary; nothing is scanned."""
    configured = catalog_for(lake_url)
    if not catalog_exists(configured):
        return None
    catalog = configured.load()
    if not catalog.namespace_exists(NAMESPACE):
        return None
    held = {name for _, name in catalog.list_tables(NAMESPACE)}
    if not set(entities) <= held:
        return None
    tables = {name: catalog.load_table((NAMESPACE, name)) for name in entities}
    summary = _property(tables["quarantine"].properties.get(PROPERTY_PREFIX + SUMMARY))
    if not isinstance(summary, dict) or summary.get(INPUTS) != inputs:
        return None
    if not all(
        is_built_from(_snapshot_property(table, INPUTS), inputs)
        for name, table in tables.items()
        if name != "ratings"
    ):
        return None
    ratings = tables["ratings"]
    if _snapshot_property(ratings, LOADS) != inputs["raw"].get(RATINGS_RAW):
        return None
    snapshots = {name: _snapshot_id(table) for name, table in tables.items()}
    resolution = _property(ratings.properties.get(PROPERTY_PREFIX + RESOLVED_AGAINST))
    if not isinstance(resolution, dict) or resolution.get("names") != resolved_against(snapshots):
        return None
    return {
        **{key: value for key, value in summary.items() if key != INPUTS},
        "rows": {name: _rows(table) for name, table in tables.items()},
        "published": dict.fromkeys(entities, "unchanged"),
    }


def _property(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _snapshot_property(table: Table, key: str) -> Any:
    snapshot = table.metadata.current_snapshot()
    return (
        None
        if snapshot is None or snapshot.summary is None
        else _property(snapshot.summary.get(PROPERTY_PREFIX + key))
    )


def _snapshot_id(table: Table) -> int | None:
    snapshot = table.metadata.current_snapshot()
    return None if snapshot is None else snapshot.snapshot_id


def _rows(table: Table) -> int:
    """Rows at the current snapshot: its records less its position deletes (as spark.lake counts)."""
    snapshot = table.metadata.current_snapshot()
    summary = {} if snapshot is None or snapshot.summary is None else snapshot.summary
    return int(summary.get("total-records", 0)) - int(summary.get("total-position-deletes", 0))
