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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from spark.jobs import ratings as ratings_job
from spark.jobs.changes import QUARANTINE, ChangeFinder, Changes, RawReader, widest
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
    common,
    credits,
    crosswalk,
    inflation,
    keywords,
    movie_lists,
    movies,
    omdb,
    ratings,
    tmdb,
    yts,
)

log = logging.getLogger(__name__)

RAW_QUARANTINE_SCHEMA = StructType(
    [
        StructField(name, StringType())
        for name in ("source_file", "position", "raw_value", "reason", "_dlt_load_id")
    ]
)
WHOLE_FILES = 4  # data files of an entity replaced whole (tens of thousands of rows at Kaggle scale)
RAW_CREDITS_SCHEMA = StructType(
    [StructField(name, StringType()) for name in ("cast", "crew", "id", "_source_file", "_dlt_load_id")]
)
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
    base = inflation.base_month(_cpi(reader), requested_base)
    planned, gathered = _entity_frames(reader, base)
    changes_of = ChangeFinder(lake)
    if (*planned, ratings_job.ENTITY) != ENTITIES:  # what decides "nothing to build" must see them all
        raise RuntimeError(f"spark.jobs.silver.ENTITIES is not the tables built: {[*planned]}")
    summary = SilverSummary(base_month=base.isoformat())
    decisions = {
        entity: _decide(lake, entity, plan, entity_inputs(inputs, lake.raw_tables_read(plan)), changes_of)
        if not full_refresh
        else _Decision(entity_inputs(inputs, lake.raw_tables_read(plan)), None, False, None)
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
                restricted[changes.movie_ids] = _entity_frames(
                    RawReader(lake, wide[changes.movie_ids]), base
                )[0]
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
    recorded = lake.recorded(entity, INPUTS)
    same_columns = lake.has_table(entity) and lake.read_silver(entity).columns == plan.columns
    mergeable = recorded != inputs and same_columns
    return _Decision(
        inputs, recorded, same_columns, changes_of.since(entity, recorded, inputs) if mergeable else None
    )


def _cpi(reader: RawReader) -> DataFrame:
    return inflation.silver_cpi_monthly(reader.read("fred", "cpiaucsl")).cache()


def _entity_frames(
    reader: RawReader, base: date
) -> tuple[dict[str, DataFrame], dict[str, Callable[[Lake], DataFrame]]]:
    """Every silver entity but ratings as a frame over what `reader` gives, in commit order; and for
    the tables that gather rows across movies (companies, collections, the crosswalk, people), how
    to compute them from the silver tables committed before them. Those are written that way, so a
    merge of a few movies reaches them without every movie being parsed again; their frames over
    raw/ say what they are computed from."""
    typed_movies = movies.typed_movies(reader.read("kaggle", "movies_metadata")).cache()
    tmdb_typed = tmdb.typed_tmdb(reader.read("tmdb", "movies", tmdb.RAW_SCHEMA))
    tmdb_latest = tmdb.latest_responses(tmdb_typed).cache()  # every one is a movie
    movie_rows = movies.preferred_movies(
        movies.silver_movies(typed_movies), tmdb.tmdb_movie_rows(tmdb_latest)
    ).cache()
    parsed_genres = movies.parsed_kaggle_genres(typed_movies, movie_rows).cache()
    kaggle_genres, genre_rejects = movies.movie_genres(parsed_genres)
    genres = kaggle_genres.unionByName(tmdb.tmdb_genres(tmdb_latest, movie_rows))
    links = ratings.silver_movie_links(reader.read("kaggle", "links")).cache()
    # The rows are merged from the loads silver has not consumed yet (spark.jobs.ratings); here only
    # their rejects are wanted.
    _, rating_rejects = ratings.silver_ratings(reader.read("kaggle", "ratings"), links, movie_rows)
    cpi = _cpi(reader)

    credit_entities, credit_rejects = _credit_entities(reader, movie_rows.select("movie_id"), tmdb_latest)
    list_entities, list_rejects = _list_entities(typed_movies, movie_rows, tmdb_latest)

    raw_keywords = reader.read("kaggle", "keywords", keywords.RAW_SCHEMA)
    kaggle_keywords = keywords.parsed_kaggle_keywords(raw_keywords, movie_rows).cache()
    omdb_typed = omdb.typed_omdb(reader.read("omdb", "movies", omdb.RAW_SCHEMA))
    omdb_latest = omdb.latest_omdb(omdb_typed).cache()
    yts_typed = yts.typed_yts(reader.read("yts", "movies", yts.RAW_SCHEMA))
    yts_latest = yts.latest_yts(yts_typed).cache()
    yts_movies = yts.yts_movies(yts_latest).cache()

    movie_ids, conflicts = _crosswalk(movie_rows, tmdb_latest, links, omdb_latest, yts_movies)
    rejects = [
        movies.movie_quarantine(typed_movies),
        genre_rejects,
        rating_rejects,
        *list_rejects,
        tmdb.tmdb_rejects(tmdb_typed, movie_rows, tmdb_latest),
        keywords.kaggle_keyword_rejects(raw_keywords, movie_rows, kaggle_keywords),
        omdb.omdb_rejects(omdb_typed, omdb_latest),
        yts.yts_rejects(yts_typed, yts_latest),
        credit_rejects,
        _raw_quarantine(reader),
    ]
    entities: dict[str, DataFrame] = {
        "movies": movie_rows.drop("budget_nominal", "revenue_nominal"),
        "movie_genres": genres,
        "movie_links": links,
        "cpi_monthly": cpi,
        "movie_financials": inflation.movie_financials(movie_rows, cpi, base),
        **list_entities,
        "movie_release_dates": tmdb.movie_release_dates(tmdb_latest),
        "movie_external_ids": tmdb.movie_external_ids(tmdb_latest),
        "movie_keywords": keywords.movie_keywords(
            tmdb.tmdb_keyword_lists(tmdb_latest), keywords.kaggle_keyword_lists(kaggle_keywords)
        ),
        "omdb_movies": omdb.omdb_movies(omdb_latest),
        "omdb_ratings": omdb.omdb_ratings(omdb_latest),
        "yts_movies": yts_movies,
        "yts_torrents": yts.yts_torrents(yts_latest),
        "movie_ids": movie_ids,
        "movie_id_conflicts": conflicts,
        **credit_entities,
        "quarantine": _union(*rejects),
    }
    gathered: dict[str, Callable[[Lake], DataFrame]] = {
        "companies": lambda lake: movie_lists.companies(lake.read_silver("movie_companies")),
        "collections": lambda lake: movie_lists.collections(
            lake.read_silver("movies")
            .select("collection_id", "collection_name", "_loaded_at")
            .unionByName(tmdb.tmdb_collections(tmdb_latest))
        ),
        "movie_ids": lambda lake: _crosswalk(
            lake.read_silver("movies"), tmdb_latest, links, omdb_latest, yts_movies
        )[0],
        "movie_id_conflicts": lambda lake: _crosswalk(
            lake.read_silver("movies"), tmdb_latest, links, omdb_latest, yts_movies
        )[1],
        "people": lambda lake: credits.people(lake.read_silver("movie_cast"), lake.read_silver("movie_crew")),
    }
    return entities, gathered


def _crosswalk(
    held: DataFrame, tmdb_latest: DataFrame, links: DataFrame, omdb_latest: DataFrame, yts_movies: DataFrame
) -> tuple[DataFrame, DataFrame]:
    """movie_ids and movie_id_conflicts for the movies in `held` (spark.transforms.crosswalk)."""
    return crosswalk.movie_ids(
        held,
        tmdb.tmdb_external_imdb_ids(tmdb_latest),
        links,
        omdb_latest.select(F.col("imdb_key").alias("imdb_id"), "_loaded_at"),
        yts_movies,
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


def _credit_entities(
    reader: RawReader, movie_ids: DataFrame, tmdb_latest: DataFrame
) -> tuple[dict[str, DataFrame], DataFrame]:
    """movie_cast, movie_crew and people from Kaggle credits and TMDB credits (TMDB wins), and the
    rows they reject."""
    typed = credits.typed_kaggle_credits(reader.read("kaggle", "credits", RAW_CREDITS_SCHEMA))
    parsed = credits.parsed_kaggle_credits(typed, movie_ids).cache()
    lists = credits.preferred_credit_lists(
        credits.kaggle_credit_lists(parsed), tmdb.tmdb_credit_lists(tmdb_latest)
    ).cache()
    cast, cast_rejects = credits.movie_cast(lists)
    crew, crew_rejects = credits.movie_crew(lists)
    cast, crew = cast.cache(), crew.cache()
    entities = {"movie_cast": cast, "movie_crew": crew, "people": credits.people(cast, crew)}
    rejects = _union(credits.kaggle_credit_rejects(typed, movie_ids, parsed), cast_rejects, crew_rejects)
    return entities, rejects


def _list_entities(
    typed_movies: DataFrame, movie_rows: DataFrame, tmdb_latest: DataFrame
) -> tuple[dict[str, DataFrame], list[DataFrame]]:
    """Companies, countries, spoken languages and collections from Kaggle and TMDB (TMDB wins)."""
    parsed = movie_lists.parsed_kaggle_movie_lists(typed_movies, movie_rows).cache()
    lists = movie_lists.preferred_movie_lists(
        movie_lists.kaggle_movie_lists(parsed), tmdb.tmdb_movie_lists(tmdb_latest)
    ).cache()
    company_rows, company_rejects = movie_lists.movie_companies(lists)
    company_rows = company_rows.cache()
    countries, country_rejects = movie_lists.movie_countries(lists)
    languages, language_rejects = movie_lists.movie_languages(lists)
    collection_rows = movie_rows.select("collection_id", "collection_name", "_loaded_at").unionByName(
        tmdb.tmdb_collections(tmdb_latest)
    )
    entities = {
        "movie_companies": company_rows,
        "companies": movie_lists.companies(company_rows),
        "movie_countries": countries,
        "movie_languages": languages,
        "collections": movie_lists.collections(collection_rows),
    }
    rejects = [
        movie_lists.kaggle_movie_list_rejects(parsed),
        company_rejects,
        country_rejects,
        language_rejects,
    ]
    return entities, rejects


def _union(*frames: DataFrame) -> DataFrame:
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def _raw_quarantine(reader: RawReader) -> DataFrame:
    frames = [
        common.raw_quarantine(
            common.with_text_columns(
                reader.read(dataset, "quarantine", RAW_QUARANTINE_SCHEMA),
                RAW_QUARANTINE_SCHEMA.fieldNames(),
            ),
            dataset,
        )
        for dataset in ("kaggle", "fred", "tmdb", "omdb", "yts")
    ]
    return _union(*frames)


def _count_reasons(quarantine: DataFrame) -> dict[str, int]:
    rows = quarantine.groupBy("layer", "entity", "reason").count().collect()
    return {f"{row['layer']}/{row['entity']}: {row['reason']}": int(row["count"]) for row in rows}


def _count_by(frame: DataFrame, column: str) -> dict[str, int]:
    return {row[column]: int(row["count"]) for row in frame.groupBy(column).count().collect()}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build silver, print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lake", default="data/lake", help="lake root: a folder or s3://bucket/prefix")
    parser.add_argument(
        "--base-month", type=date.fromisoformat, default=None, help="CPI base month, YYYY-MM-01"
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every table from all of raw/ (after a change to spark/'s code)",
    )
    args = parser.parse_args(argv)
    summary = run_silver(args.lake, args.base_month, full_refresh=args.full_refresh)
    print(json.dumps(asdict(summary), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
