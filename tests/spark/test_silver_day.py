"""The silver job on a lake that gets a second day: new ratings (one a re-rating) and a movies
snapshot with changed box office. Built on top of the first day's silver, every entity must equal a
build from scratch of the same raw/, while ratings take only the new load by a merge.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from spark.jobs.silver import SilverSummary, build_silver
from tests.spark import raw_frames
from tests.spark.deliveries import JUMANJI, SHIFTED, TOY_STORY, silver_tables, write_first_day, write_raw
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

DAY = 86_400


def _second_day(spark: SparkSession, lake_dir: Path) -> None:
    snapshot = [
        {**TOY_STORY, "_dlt_load_id": L2},
        {**JUMANJI, "revenue": "275937410", "_dlt_load_id": L2},
        {**SHIFTED, "_dlt_load_id": L2},
    ]
    write_raw(lake_dir, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, snapshot))
    # A re-rating, a new pair and one out of range.
    day = [(1, 2, 4.5, 200 + DAY, L2), (4, 2, 2.0, 100 + DAY, L2), (5, 1, 7.5, 300 + DAY, L2)]
    write_raw(lake_dir, "kaggle", "ratings", raw_frames.ratings(spark, day))


@pytest.fixture(scope="module")
def days(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    incremental, scratch = tmp_path_factory.mktemp("incremental"), tmp_path_factory.mktemp("scratch")
    write_first_day(spark, incremental)
    first = build_silver(spark, str(incremental))
    _second_day(spark, incremental)
    second = build_silver(spark, str(incremental))
    write_first_day(spark, scratch)
    _second_day(spark, scratch)
    rebuilt = build_silver(spark, str(scratch))
    silver, from_scratch = silver_tables(incremental, spark), silver_tables(scratch, spark)
    return {"first": first, "second": second, "rebuilt": rebuilt, "silver": silver, "scratch": from_scratch}


def test_the_second_day_built_on_the_first_equals_a_build_from_scratch(days: dict[str, Any]) -> None:
    assert days["silver"].keys() == days["scratch"].keys()
    for entity, rows in days["scratch"].items():
        assert days["silver"][entity] == rows, entity
    assert days["second"].rows == days["rebuilt"].rows


# The tables the day's new loads (movies_metadata, ratings) are not read by: links, CPI, and the API
# sources, which have delivered nothing here.
NOT_FROM_THE_DAY = {"movie_links", "cpi_monthly", "omdb_movies", "omdb_ratings", "yts_movies",
                    "yts_torrents", "movie_release_dates", "movie_external_ids"}  # fmt: skip
# Read from the day's movies snapshot and keyed by movie: only the changed movie's rows are swapped.
MERGED_BY_MOVIE = {"movies", "movie_genres", "movie_financials", "movie_companies", "movie_countries",
                   "movie_languages", "movie_keywords", "movie_cast", "movie_crew", "quarantine"}  # fmt: skip


def test_the_day_merges_the_changed_movie_and_ratings_and_replaces_what_gathers_across_movies(
    days: dict[str, Any],
) -> None:
    first: SilverSummary = days["first"]
    second: SilverSummary = days["second"]
    assert set(first.published.values()) == {"full"}
    assert second.published.pop("ratings") == "merged"
    assert {entity for entity, mode in second.published.items() if mode == "unchanged"} == NOT_FROM_THE_DAY
    assert {entity for entity, mode in second.published.items() if mode == "merged"} == MERGED_BY_MOVIE
    assert {entity for entity, mode in second.published.items() if mode == "full"} == {
        "companies", "collections", "movie_ids", "movie_id_conflicts", "people",
    }  # fmt: skip
    assert days["rebuilt"].published["ratings"] == "full"


def test_a_movie_the_new_snapshot_repeats_keeps_the_load_that_first_said_it(days: dict[str, Any]) -> None:
    loaded = {row[0]: row[-1] for row in days["silver"]["movies"]}  # movie_id ... _loaded_at
    assert loaded[862] == datetime.fromtimestamp(float(L1), UTC).replace(tzinfo=None)  # Toy Story: same row
    assert loaded[8844] == datetime.fromtimestamp(float(L2), UTC).replace(tzinfo=None)  # Jumanji: new revenue


def test_the_day_keeps_the_credit_rejects_and_the_ratings_ones(days: dict[str, Any]) -> None:
    quarantine = days["silver"]["quarantine"]
    entities = [row[2] for row in quarantine]  # (layer, source, entity, record_key, raw_value, reason, ...)
    assert entities.count("ratings") == 2  # user 3's 9.0 on the first day, user 5's 7.5 on the second
    assert [row[3] for row in quarantine if row[2] == "movies" and row[1] == "kaggle"] == [
        "0",
        "0",
    ]  # SHIFTED
    assert [row[3] for row in quarantine if row[2] == "movie_cast"] == ["8844"]  # the broken cast literal
    assert [row[6] for row in quarantine if row[2] == "movie_cast"] == [8844]  # ... of that movie
    assert {row[6] for row in quarantine if row[2] in ("movies", "ratings")} == {None}  # no movie id
    assert days["second"].rows["movie_cast"] == 1
    assert days["second"].rows["ratings"] == 4  # (1,1) (1,2) re-rated (2,1) and the new (4,2)


@pytest.fixture(scope="module")
def repeated(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A second delivery of the very same movies snapshot, then a run with nothing new."""
    lake_dir = tmp_path_factory.mktemp("repeated")
    write_first_day(spark, lake_dir)
    build_silver(spark, str(lake_dir))
    before = silver_tables(lake_dir, spark)
    again = [{**row, "_dlt_load_id": L2} for row in (TOY_STORY, JUMANJI, SHIFTED)]
    write_raw(lake_dir, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, again))
    second = build_silver(spark, str(lake_dir))
    after = silver_tables(lake_dir, spark)
    third = build_silver(spark, str(lake_dir))
    return {"before": before, "second": second, "after": after, "third": third}


def test_a_repeated_snapshot_changes_no_movie_row_and_the_next_run_has_nothing_to_do(
    repeated: dict[str, Any],
) -> None:
    second: SilverSummary = repeated["second"]
    assert {second.published[entity] for entity in MERGED_BY_MOVIE - {"quarantine"}} == {"merged"}
    for entity in MERGED_BY_MOVIE - {"quarantine"}:
        assert repeated["after"][entity] == repeated["before"][entity], entity
    shifted = [row for row in repeated["after"]["quarantine"] if row[2] == "movies"]
    assert len(shifted) == 2  # the shifted row of each delivery
    assert set(repeated["third"].published.values()) == {"unchanged"}
