"""Silver `ratings` (26M rows at Kaggle scale) changed in place from the raw loads it has not consumed.

Silver ratings hold the latest valid rating per (user, MovieLens movie), resolved to `movie_id`
through movie_links and the movies silver holds. Every commit to the table records the watermark of
raw `kaggle/ratings` it has consumed (`movies.loads`: the newest load id and how many loads there were
up to it; spark.lake.Watermark). A run compares it with raw/ and publishes one way (`PublishMode`):

- `merged`: there are loads newer than the watermark, and none older arrived late: their latest
  valid rating per pair goes in by one `MERGE INTO` (a new pair is inserted, a pair rated before
  replaces its row when the load is newer). Merge-on-read: the 26M rows are not rewritten.
- `full`: no table or no watermark yet, `--full-refresh`, or the loads up to the watermark are not
  the ones it counted (a late, older load arrived, or a consumed one is gone): rebuilt from every load.
- `unchanged`: no new load: nothing is committed.

Whichever way, ratings whose MovieLens movie now resolves to another movie (a new link, a movie held
since) are then updated in place by a second merge, only when there are any. Finding them scans
every (MovieLens movie, movie) pair the table holds, so it is done only when what the rows were
resolved against changed: the caller names that (silver names the snapshots of `movies` and
`movie_links`), and the table keeps it, with a digest of the MovieLens -> movie mapping it gave, as
its `movies.resolved-against` property; under a new name the scan runs only when the mapping moved.
Every mode ends with the rows a rebuild from every load gives (tests/spark/test_ratings_job.py).
"""

from __future__ import annotations

import json
from enum import StrEnum

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark.lake import Lake, Watermark
from spark.transforms import ratings

ENTITY = "ratings"
RAW_TABLE = ("kaggle", "ratings")
KEYS = ["user_id", "movielens_movie_id"]
LOADS = "loads"  # the snapshot property of the consumed watermark
RESOLVED_AGAINST = "resolved-against"  # the table property naming what movie ids were resolved against


class PublishMode(StrEnum):
    """How a run published a silver entity: rebuilt (`full`), changed in place, or left as it was."""

    UNCHANGED = "unchanged"
    MERGED = "merged"
    FULL = "full"


def new_loads(recorded: Watermark | None, loads: list[str]) -> list[str] | None:
    """The loads (oldest first) to merge into rows built up to `recorded`; None when only a rebuild
    is right (nothing recorded, or the loads up to the watermark are not the ones it counted)."""
    if recorded is None:
        return None
    newest, counted = recorded
    consumed = [load for load in loads if float(load) <= float(newest)]
    if len(consumed) != counted or (consumed and consumed[-1] != newest):
        return None
    return [load for load in loads if float(load) > float(newest)]


def publish_ratings(
    lake: Lake,
    links: DataFrame,
    movies: DataFrame,
    resolved_against: object,
    full_refresh: bool = False,
) -> PublishMode:
    """Bring silver ratings up to raw/ (see the module docstring); returns how. `resolved_against`
    names `links` and `movies` (JSON): while it stays the same, old rows need no re-resolving."""
    loads = lake.raw_load_ids(*RAW_TABLE)
    watermark: Watermark = (loads[-1], len(loads))
    recorded = None if full_refresh else lake.recorded(ENTITY, LOADS)
    added = new_loads(tuple(recorded) if recorded else None, loads)
    record = {LOADS: list(watermark)}
    recorded_resolution = lake.table_property(ENTITY, RESOLVED_AGAINST)
    if added is None:
        rows, _ = ratings.silver_ratings(lake.read_raw(*RAW_TABLE), links, movies)
        lake.replace(rows, ENTITY, record, recreate=full_refresh)
        resolution = {"names": resolved_against, "mapping": _mapping(ratings.resolved_links(links, movies))}
        lake.set_table_property(ENTITY, RESOLVED_AGAINST, resolution)
        return PublishMode.FULL
    mode = PublishMode.UNCHANGED
    if added:
        delta, _ = ratings.silver_ratings(lake.read_raw_loads(*RAW_TABLE, set(added)), links, movies)
        lake.merge(delta, ENTITY, KEYS, "_loaded_at", record)
        mode = PublishMode.MERGED
    recorded_resolution = recorded_resolution if isinstance(recorded_resolution, dict) else {}
    if recorded_resolution.get("names") != json_value(resolved_against):
        resolved = ratings.resolved_links(links, movies)
        mapping = _mapping(resolved)
        # New snapshots of movies or links mostly leave the MovieLens -> movie mapping as it was
        # (changed box office, a new film with no ratings): then no rating can have moved.
        if recorded_resolution.get("mapping") != mapping and _re_resolve(lake, resolved, record):
            mode = PublishMode.MERGED
        lake.set_table_property(ENTITY, RESOLVED_AGAINST, {"names": resolved_against, "mapping": mapping})
    return mode


def _mapping(resolved: DataFrame) -> list[int]:
    """An order-independent digest of the MovieLens movie -> movie_id mapping (tens of thousands of
    rows): how many pairs, and the XOR of their hashes."""
    row = resolved.agg(
        F.count("*").alias("pairs"), F.bit_xor(F.xxhash64("movielens_movie_id", "movie_id")).alias("digest")
    ).first()
    return [0, 0] if row is None else [int(row["pairs"]), int(row["digest"] or 0)]


def json_value(value: object) -> object:
    """`value` as it reads back from JSON (tuples become lists), to compare with a recorded one."""
    return json.loads(json.dumps(value))


def _re_resolve(lake: Lake, resolved: DataFrame, record: dict[str, list[object]]) -> bool:
    """Point ratings whose MovieLens movie resolves to another movie_id (or none) at the right one,
    in one merge, when there are any; returns whether there were."""
    held = lake.read_silver(ENTITY).select("movielens_movie_id", "movie_id").distinct()
    changed = (
        held.join(
            F.broadcast(resolved.withColumnRenamed("movie_id", "resolved")), "movielens_movie_id", "left"
        )
        .where(~F.col("movie_id").eqNullSafe(F.col("resolved")))
        .select("movielens_movie_id", F.col("resolved").alias("movie_id"))
        # One row per MovieLens movie, the merge key. A job that died between its two merges leaves
        # one MovieLens movie under two movie ids (the new load's and the old rows'); each would give
        # its target rows a second source row, and Iceberg fails such a MERGE. `resolved` has one
        # movie id per MovieLens movie (silver movie_links has one row each), so no choice is made.
        .dropDuplicates(["movielens_movie_id"])
    ).cache()
    try:
        if changed.isEmpty():
            return False
        changed.createOrReplaceTempView("re_resolved")
        with lake.committing(record):
            lake.spark.sql(
                f"merge into {lake.table(ENTITY)} as t using re_resolved as s "
                "on t.movielens_movie_id = s.movielens_movie_id "
                "when matched then update set t.movie_id = s.movie_id"
            )
        lake.spark.catalog.dropTempView("re_resolved")
        return True
    finally:
        changed.unpersist()
