"""Build every silver entity from raw/: `python -m spark.jobs.silver --lake data/lake`.

Runs unchanged under `spark-submit --master <cluster> spark/jobs/silver.py`. API sources (TMDB,
OMDb, YTS) that have not been loaded yet are read as empty tables, so their entities are published
empty with their full schema.

Every entity is an Iceberg table (spark.lake). Each commit records what the build read
(`movies.inputs`: every raw table's watermark and the requested CPI base month); an entity whose
current snapshot records the inputs of this run is left as it is, so a run with nothing new commits
nothing, and a run after one that died half way commits only what that one did not. The others are
brought up to raw/ in one commit each (`published`):
- `merged`: the tables keyed by movie and quarantine swap in the rows of the movies the new loads
  changed, rebuilt from those movies' raw rows alone (spark.jobs.changes); `ratings` take the new
  loads by a merge (spark.jobs.ratings);
- `full`: the rest, and whatever a merge cannot serve (see spark.jobs.changes), are replaced whole.
  Companies, collections, people and the crosswalk gather rows across movies: they are computed
  from the silver tables committed before them, so no movie is parsed again for them.
New code does not rebuild anything by itself: `--full-refresh` does.

When every table already records this run's inputs, `run_silver` answers from the catalog without
starting Spark (spark.jobs.silver_current).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from settings import Settings
from spark.jobs import ratings as ratings_job
from spark.jobs.changes import QUARANTINE, ChangeFinder, Changes, RawReader, widest
from spark.jobs.frames import cpi_frame, entity_frames
from spark.jobs.ratings import PublishMode
from spark.jobs.silver_current import (
    INPUTS,
    RESOLVED_FROM,
    SUMMARY,
    build_inputs,
    current_summary,
    entity_inputs,
    resolved_against,
)
from spark.lake import Lake
from spark.session import spark_session
from spark.transforms import (
    crosswalk,
    inflation,
)

log = logging.getLogger(__name__)

WHOLE_FILES = 4  # data files of an entity replaced whole (tens of thousands of rows at Kaggle scale)
# Every silver table, in the order a build commits them (ratings last: they resolve through the rest).
ENTITIES = (
    "movies", "movie_genres", "movie_links", "cpi_monthly", "movie_financials", "movie_companies",
    "companies", "movie_countries", "movie_languages", "collections", "movie_release_dates",
    "movie_external_ids", "movie_keywords", "omdb_movies", "omdb_ratings", "yts_movies", "yts_torrents",
    "movie_ids", "movie_id_conflicts", "movie_cast", "movie_crew", "people", "quarantine", "ratings",
)  # fmt: skip


@dataclass
class SilverSummary:
    """Rows per silver entity, quarantined rows by reason, the CPI base month, crosswalk health, and
    the seconds each entity's commit took (Spark computes lazily: an entity's time includes the
    cached inputs it is the first to use, e.g. `movies` pays for the parsed Kaggle metadata), and how
    each was published: `full` (replaced), `merged` (changed in place), or `unchanged` (built from
    this run's inputs already)."""

    base_month: str
    rows: dict[str, int] = field(default_factory=dict)
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    crosswalk_conflicts: dict[str, int] = field(default_factory=dict)
    unmatched: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)


def build_silver(
    spark: SparkSession, lake_url: str, requested_base: date | None = None, full_refresh: bool = False
) -> SilverSummary:
    """Bring every silver table up to raw/ (only those whose recorded inputs differ from this run's,
    unless `full_refresh`), and count what each holds."""
    # Cached frames of an earlier build in this session would be matched by plan and reused, and a
    # plan over a raw folder does not change when new load files arrive in it: start from none.
    spark.catalog.clearCache()
    lake = Lake(spark, lake_url)
    inputs = build_inputs(lake_url, requested_base)
    summary = _publish_entities(lake, requested_base, inputs, full_refresh)
    recorded = lake.table_property("quarantine", SUMMARY)
    if (
        set(summary.published.values()) == {str(PublishMode.UNCHANGED)}
        and recorded
        and recorded[INPUTS] == inputs
    ):
        summary.quarantined_by_reason = recorded["quarantined_by_reason"]
        summary.crosswalk_conflicts = recorded["crosswalk_conflicts"]
        summary.unmatched = recorded["unmatched"]
        return summary
    summary.quarantined_by_reason = _count_reasons(lake.read_silver("quarantine"))
    summary.crosswalk_conflicts = _count_by(lake.read_silver("movie_id_conflicts"), "conflict")
    summary.unmatched = {
        kind: frame.count()
        for kind, frame in crosswalk.unmatched_frames(
            lake.read_silver("movie_ids"),
            lake.read_silver("movie_links"),
            lake.read_silver("omdb_movies"),
            lake.read_silver("yts_movies"),
        ).items()
    }
    lake.set_table_property("quarantine", SUMMARY, {INPUTS: inputs, **_counts(summary)})
    return summary


def _counts(summary: SilverSummary) -> dict[str, Any]:
    """What a build's summary says about silver as a whole (kept with the tables for a run that
    finds nothing new; rows and publish modes are per table)."""
    return {
        "base_month": summary.base_month,
        "quarantined_by_reason": summary.quarantined_by_reason,
        "crosswalk_conflicts": summary.crosswalk_conflicts,
        "unmatched": summary.unmatched,
    }


def _publish_entities(
    lake: Lake, requested_base: date | None, inputs: dict[str, Any], full_refresh: bool
) -> SilverSummary:
    """Bring each entity whose recorded inputs are not this run's up to raw/ (by a merge of what
    changed where spark.jobs.changes allows one, else replaced whole), commit, count each."""
    reader = RawReader(lake)
    base = inflation.base_month(cpi_frame(reader), requested_base)
    planned, gathered = entity_frames(reader, base)
    changes_of = ChangeFinder(lake, full_refresh)
    if (*planned, ratings_job.ENTITY) != ENTITIES:  # what decides "nothing to build" must see them all
        raise RuntimeError(f"spark.jobs.silver.ENTITIES is not the tables built: {[*planned]}")
    summary = SilverSummary(base_month=base.isoformat())
    decisions = {
        entity: _decide(lake, entity, plan, entity_inputs(inputs, lake.raw_tables_read(plan)), changes_of)
        for entity, plan in planned.items()
    }
    wide = widest(decision.changes for decision in decisions.values() if decision.changes is not None)
    restricted: dict[tuple[int, ...], dict[str, DataFrame]] = {}  # the frames of the changed movies' rows
    for entity, decision in decisions.items():
        started = time.perf_counter()
        record, changes = {INPUTS: decision.inputs}, decision.changes
        if decision.recorded == decision.inputs:
            summary.published[entity] = str(PublishMode.UNCHANGED)
        elif changes is not None:
            if changes.movie_ids not in restricted:
                restricted[changes.movie_ids] = entity_frames(RawReader(lake, wide[changes.movie_ids]), base)[
                    0
                ]
            scope = changes.quarantine_scope if entity == QUARANTINE else changes.movies_in_scope
            increment = restricted[changes.movie_ids][entity].alias("s").where(F.expr(scope("s")))
            lake.merge_scope(increment, entity, scope("t"), record)
            summary.published[entity] = str(PublishMode.MERGED)
        else:
            frame = gathered[entity](lake) if entity in gathered else planned[entity]
            recreate = full_refresh or (lake.has_table(entity) and not decision.same_columns)
            lake.replace(frame.coalesce(WHOLE_FILES), entity, record, recreate=recreate)
            summary.published[entity] = str(PublishMode.FULL)
        summary.rows[entity] = lake.silver_rows(entity)
        summary.seconds[entity] = round(time.perf_counter() - started, 1)
    # Ratings resolve through the tables just committed (or left): no re-parse when nothing changed.
    started = time.perf_counter()
    against = resolved_against({name: lake.snapshot_id(name) for name in RESOLVED_FROM})
    summary.published[ratings_job.ENTITY] = str(
        ratings_job.publish_ratings(
            lake, lake.read_silver("movie_links"), lake.read_silver("movies"), against, full_refresh
        )
    )
    summary.rows[ratings_job.ENTITY] = lake.silver_rows(ratings_job.ENTITY)
    summary.seconds[ratings_job.ENTITY] = round(time.perf_counter() - started, 1)
    return summary


@dataclass(frozen=True)
class _Decision:
    """How one entity is brought up to raw/: its inputs now, those its snapshot records, whether its
    table has the frame's columns, and what a merge would redo (None: no merge serves)."""

    inputs: dict[str, Any]
    recorded: Any
    same_columns: bool
    changes: Changes | None


def _decide(
    lake: Lake, entity: str, plan: DataFrame, inputs: dict[str, Any], changes_of: ChangeFinder
) -> _Decision:
    if changes_of.full_refresh:
        return _Decision(inputs, None, False, None)
    recorded = lake.recorded(entity, INPUTS)
    same_columns = lake.has_table(entity) and lake.read_silver(entity).columns == plan.columns
    mergeable = recorded != inputs and same_columns
    return _Decision(
        inputs, recorded, same_columns, changes_of.since(entity, recorded, inputs) if mergeable else None
    )


def run_silver(
    lake_url: str, requested_base: date | None = None, app_name: str = "silver", full_refresh: bool = False
) -> SilverSummary:
    """`build_silver` in a session of its own: stopped afterwards, with the JVM it launched (see
    spark.session.spark_session), so the work after it in the same process does not carry Spark's heap.
    An s3:// lake brings hadoop-aws and the S3A settings. When silver already holds this run's inputs
    (spark.jobs.silver_current), no session starts: the summary is read from the catalog."""
    if not full_refresh:
        current = current_summary(lake_url, build_inputs(lake_url, requested_base), ENTITIES)
        if current is not None:
            log.info("silver already holds what raw/ has: nothing to build")
            return SilverSummary(**current)
    with spark_session(app_name, lake_url=lake_url) as spark:
        return build_silver(spark, lake_url, requested_base, full_refresh)


def _count_reasons(quarantine: DataFrame) -> dict[str, int]:
    rows = quarantine.groupBy("layer", "entity", "reason").count().collect()
    return {f"{row['layer']}/{row['entity']}: {row['reason']}": int(row["count"]) for row in rows}


def _count_by(frame: DataFrame, column: str) -> dict[str, int]:
    return {row[column]: int(row["count"]) for row in frame.groupBy(column).count().collect()}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build silver, print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--lake", help="lake root: a folder or s3://bucket/prefix; default MOVIES_LAKE, else <data dir>/lake"
    )
    parser.add_argument(
        "--base-month", type=date.fromisoformat, default=None, help="CPI base month, YYYY-MM-01"
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every table from all of raw/ (after a change to spark/'s code)",
    )
    args = parser.parse_args(argv)
    summary = run_silver(
        args.lake or Settings.read().lake_url, args.base_month, full_refresh=args.full_refresh
    )
    print(json.dumps(asdict(summary), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
