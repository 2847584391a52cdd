"""The silver job on a lake that gets a second day: new ratings (one a re-rating) and a movies
snapshot with changed box office. Built on top of the first day's silver, every entity must equal a
build from scratch of the same raw/, while ratings take only the new load by a merge.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import DataFrame, SparkSession

from lakehouse.catalog import CATALOG_NAME, NAMESPACE
from spark.jobs.silver import SilverSummary, build_silver
from spark.lake import Lake
from tests.spark import raw_frames
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

TOY_STORY = {
    "id": "862", "imdb_id": "tt0114709", "title": "Toy Story", "status": "Released",
    "release_date": "1995-10-30", "runtime": "81.0", "budget": "30000000", "revenue": "373554033",
    "belongs_to_collection": "{'id': 10194, 'name': 'Toy Story Collection'}",
    "genres": "[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}]",
    "production_companies": "[{'name': 'Pixar Animation Studios', 'id': 3}]",
    "production_countries": "[{'iso_3166_1': 'US', 'name': 'United States of America'}]",
    "spoken_languages": "[{'iso_639_1': 'en', 'name': 'English'}]",
}  # fmt: skip
JUMANJI = {
    **TOY_STORY, "id": "8844", "imdb_id": "tt0113497", "title": "Jumanji", "release_date": "1995-12-15",
    "budget": "65000000", "revenue": "262797249", "belongs_to_collection": None,
    "genres": "[{'id': 12, 'name': 'Adventure'}]",
}  # fmt: skip
# Kaggle's shifted-column rows: no integer id. Each delivery repeats it, and each is quarantined.
SHIFTED = {"id": "1997-08-20", "imdb_id": "0", "title": None, "release_date": "1"}
CAST = "[{'cast_id': 1, 'character': 'Woody (voice)', 'credit_id': 'a', 'gender': 2, 'id': 31, 'name': 'Tom Hanks', 'order': 0}]"  # noqa: E501
CREW = "[{'credit_id': 'b', 'department': 'Directing', 'gender': 2, 'id': 7879, 'job': 'Director', 'name': 'John Lasseter'}]"  # noqa: E501
DAY = 86_400


def _write(lake_dir: Path, dataset: str, table: str, frame: DataFrame) -> None:
    """One raw file per load, named as dlt names them: <load_id>.<file_id>.parquet."""
    folder = lake_dir / "raw" / dataset / table
    folder.mkdir(parents=True, exist_ok=True)
    rows = pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
    for load_id in sorted(set(rows.column("_dlt_load_id").to_pylist())):
        mask = pa.compute.equal(rows.column("_dlt_load_id"), load_id)
        pq.write_table(rows.filter(mask), folder / f"{load_id}.f00d{table[:4]}.parquet")


def _first_day(spark: SparkSession, lake_dir: Path) -> None:
    first = [TOY_STORY, JUMANJI, SHIFTED]
    _write(lake_dir, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, first))
    _write(
        lake_dir,
        "kaggle",
        "links",
        raw_frames.links(spark, [("1", "0114709", "862", L1), ("2", "0113497", "8844", L1)]),
    )
    _write(
        lake_dir,
        "kaggle",
        "credits",
        raw_frames.credits(spark, [(CAST, CREW, "862", L1), ("[{'id': 1,", "[]", "8844", L1)]),
    )
    ratings = [(1, 1, 4.0, 100, L1), (1, 2, 3.0, 200, L1), (2, 1, 5.0, 300, L1), (3, 1, 9.0, 400, L1)]
    _write(lake_dir, "kaggle", "ratings", raw_frames.ratings(spark, ratings))
    cpi = [(date(1995, month, 1), 150.0 + month, L1) for month in range(1, 13)]
    _write(lake_dir, "fred", "cpiaucsl", raw_frames.cpi(spark, [*cpi, (date(2017, 7, 1), 244.0, L1)]))


def _second_day(spark: SparkSession, lake_dir: Path) -> None:
    snapshot = [
        {**TOY_STORY, "_dlt_load_id": L2},
        {**JUMANJI, "revenue": "275937410", "_dlt_load_id": L2},
        {**SHIFTED, "_dlt_load_id": L2},
    ]
    _write(lake_dir, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, snapshot))
    # A re-rating, a new pair and one out of range.
    day = [(1, 2, 4.5, 200 + DAY, L2), (4, 2, 2.0, 100 + DAY, L2), (5, 1, 7.5, 300 + DAY, L2)]
    _write(lake_dir, "kaggle", "ratings", raw_frames.ratings(spark, day))


def silver_tables(lake_dir: Path, spark: SparkSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every silver table of the lake's catalog at its current snapshot, rows sorted."""
    lake = Lake(spark, str(lake_dir))
    entities = [row["tableName"] for row in spark.sql(f"show tables in {CATALOG_NAME}.{NAMESPACE}").collect()]
    return {
        name: sorted((tuple(row) for row in lake.read_silver(name).collect()), key=repr)
        for name in sorted(entities)
    }


@pytest.fixture(scope="module")
def days(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    incremental, scratch = tmp_path_factory.mktemp("incremental"), tmp_path_factory.mktemp("scratch")
    _first_day(spark, incremental)
    first = build_silver(spark, str(incremental))
    _second_day(spark, incremental)
    second = build_silver(spark, str(incremental))
    _first_day(spark, scratch)
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
    _first_day(spark, lake_dir)
    build_silver(spark, str(lake_dir))
    before = silver_tables(lake_dir, spark)
    again = [{**row, "_dlt_load_id": L2} for row in (TOY_STORY, JUMANJI, SHIFTED)]
    _write(lake_dir, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, again))
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
