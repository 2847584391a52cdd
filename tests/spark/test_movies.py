"""Kaggle movies_metadata text -> silver movies, movie_genres and the movie quarantine."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import DataFrame, Row, SparkSession

from spark.transforms.movies import (
    MOVIE_COLUMNS,
    movie_genres,
    movie_quarantine,
    parsed_kaggle_genres,
    silver_movies,
    typed_movies,
)
from tests.spark import raw_frames
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

TOY_STORY = {
    "id": "862",
    "imdb_id": "tt0114709",
    "title": "Toy Story",
    "original_title": "Toy Story",
    "original_language": "en",
    "overview": "Led by Woody, Andy's toys live happily in his room.",
    "status": "Released",
    "release_date": "1995-10-30",
    "runtime": "81.0",
    "popularity": "21.946943",
    "vote_average": "7.7",
    "vote_count": "5415",
    "budget": "30000000",
    "revenue": "373554033",
    "belongs_to_collection": "{'id': 10194, 'name': 'Toy Story Collection', "
    "'poster_path': '/7G9915LfUQ2lVfwMEEhDsn3kT4B.jpg', 'backdrop_path': None}",
    "genres": "[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}, "
    "{'id': 10751, 'name': 'Family'}]",
    "_dlt_load_id": L1,
}

RAW_ROWS: list[dict[str, str | None]] = [
    TOY_STORY,
    # The same movie delivered again by a later load: its values (and genres) replace the first.
    {
        **TOY_STORY,
        "title": "Toy Story (re-released)",
        "vote_count": "5500",
        "genres": "[{'id': 16, 'name': 'Animation'}]",
        "_dlt_load_id": L2,
    },
    # Kaggle's shifted rows: the id column holds a date, other columns hold neighbours' values.
    {
        "adult": " - Written by Ørnås",
        "belongs_to_collection": "0.065736",
        "budget": "/ff9qCepilowshEtG2GYWwzt2bs4.jpg",
        "genres": "[{'name': 'Carousel Productions', 'id': 11176}]",
        "id": "1997-08-20",
        "imdb_id": "0",
        "original_language": "104.0",
        "title": None,
    },
    {
        "id": "949",
        "imdb_id": "tt0113277",
        "title": "Heat",
        "release_date": "1995-12-15",
        "runtime": "170.0",
        "budget": "0",
        "revenue": "187436818",
        "genres": "[{'id': 28, 'name': 'Action'}, {'id': None, 'name': 'Heist'}, "
        "{'id': 28, 'name': 'Action'}]",
    },
    {
        "id": "15602",
        "imdb_id": "0",
        "title": "  Grumpier Old Men  ",
        "release_date": "not a date",
        "runtime": "",
        "budget": "0",
        "revenue": "0",
        "genres": "[{'id': 10749, 'name': 'Romance'}, {'id': 35, 'name': ' '}]",
        "belongs_to_collection": "{'id': 119050, 'name': 'Grumpy Old Men Collection'",
    },
    {
        "id": " 11860 ",
        "imdb_id": "tt0114319",
        "title": "Sabrina",
        "release_date": "1995-12-15",
        "genres": "[{'id': 35, 'name': 'Comedy'",
    },
]


@pytest.fixture(scope="module")
def typed(spark: SparkSession) -> DataFrame:
    return typed_movies(raw_frames.movies_metadata(spark, RAW_ROWS)).cache()


@pytest.fixture(scope="module")
def movies_frame(typed: DataFrame) -> DataFrame:
    return silver_movies(typed).cache()


@pytest.fixture(scope="module")
def movies(movies_frame: DataFrame) -> dict[int, Row]:
    rows = movies_frame.selectExpr("*", "cast(_loaded_at as double) as _loaded_epoch").collect()
    return {row["movie_id"]: row for row in rows}


@pytest.fixture(scope="module")
def quarantine(typed: DataFrame) -> list[Row]:
    return movie_quarantine(typed).collect()


@pytest.fixture(scope="module")
def genres(typed: DataFrame, movies_frame: DataFrame) -> tuple[list[Row], list[Row]]:
    bridge, rejected = movie_genres(parsed_kaggle_genres(typed, movies_frame))
    return bridge.collect(), rejected.collect()


def test_silver_movies_has_the_contract_columns(movies_frame: DataFrame) -> None:
    assert tuple(movies_frame.columns) == MOVIE_COLUMNS
    types = dict(movies_frame.dtypes)
    assert types["movie_id"] == "bigint"
    assert types["release_date"] == "date"
    assert types["release_year"] == "int"
    assert types["runtime_minutes"] == "int"
    assert types["vote_count"] == "bigint"
    assert types["collection_id"] == "bigint"
    assert types["_loaded_at"] == "timestamp"


def test_one_row_per_integer_id(movies: dict[int, Row]) -> None:
    assert sorted(movies) == [862, 949, 11860, 15602]


def test_shifted_row_is_quarantined_not_published(quarantine: list[Row]) -> None:
    bad_ids = [row for row in quarantine if row["entity"] == "movies" and row["movie_id"] is None]

    assert len(bad_ids) == 1
    row = bad_ids[0]
    assert row["layer"] == "silver"
    assert row["source"] == "kaggle"
    assert row["reason"].startswith("id is not an integer")
    assert row["reason"] == "id is not an integer: 1997-08-20"
    assert row["record_key"] == "0"
    assert '"id":"1997-08-20"' in row["raw_value"]


def test_a_kept_movies_unreadable_values_are_quarantined(
    quarantine: list[Row], movies: dict[int, Row]
) -> None:
    # Grumpier Old Men loads with an unknown IMDb id and release date; both values are kept aside.
    assert (movies[15602]["imdb_id"], movies[15602]["release_date"]) == (None, None)
    unreadable = sorted(
        (row["record_key"], row["raw_value"], row["reason"])
        for row in quarantine
        if row["entity"] == "movies" and row["movie_id"] is not None
    )
    assert unreadable == [
        ("15602", "0", "imdb_id: not an IMDb id (tt + digits) (kept as unknown)"),
        ("15602", "not a date", "release_date: not a date (yyyy-MM-dd) (kept as unknown)"),
    ]


def test_unparseable_collection_is_quarantined_for_a_valid_movie_only(
    quarantine: list[Row],
) -> None:
    collections = [row for row in quarantine if row["entity"] == "collections"]

    # The shifted row's collection "0.065736" is not reported twice: its bad id already is.
    assert [(row["record_key"], row["reason"]) for row in collections] == [
        ("15602", "belongs_to_collection: not a Python literal: SyntaxError")
    ]


def test_kaggle_zero_budget_is_unknown(movies: dict[int, Row]) -> None:
    assert movies[949]["budget_nominal"] is None
    assert movies[949]["revenue_nominal"] == 187436818.0
    assert movies[15602]["budget_nominal"] is None
    assert movies[15602]["revenue_nominal"] is None


def test_budget_text_becomes_a_double(movies: dict[int, Row]) -> None:
    assert movies[862]["budget_nominal"] == 30000000.0
    assert movies[862]["revenue_nominal"] == 373554033.0


def test_later_load_wins(movies: dict[int, Row]) -> None:
    toy_story = movies[862]

    assert toy_story["title"] == "Toy Story (re-released)"
    assert toy_story["vote_count"] == 5500
    assert toy_story["_loaded_epoch"] == pytest.approx(float(L2))


def test_release_date_and_year(movies: dict[int, Row]) -> None:
    assert movies[862]["release_date"] == date(1995, 10, 30)
    assert movies[862]["release_year"] == 1995
    assert movies[15602]["release_date"] is None
    assert movies[15602]["release_year"] is None


def test_runtime_text_becomes_whole_minutes(movies: dict[int, Row]) -> None:
    assert movies[862]["runtime_minutes"] == 81
    assert movies[949]["runtime_minutes"] == 170
    assert movies[15602]["runtime_minutes"] is None


def test_collection_literal_becomes_id_and_name(movies: dict[int, Row]) -> None:
    assert movies[862]["collection_id"] == 10194
    assert movies[862]["collection_name"] == "Toy Story Collection"
    assert movies[949]["collection_id"] is None
    assert movies[15602]["collection_id"] is None


def test_text_is_trimmed_and_imdb_ids_validated(movies: dict[int, Row]) -> None:
    assert movies[15602]["title"] == "Grumpier Old Men"
    assert movies[15602]["imdb_id"] is None  # Kaggle's "0" is not an IMDb id
    assert movies[862]["imdb_id"] == "tt0114709"
    assert movies[862]["popularity"] == pytest.approx(21.946943)
    assert movies[862]["vote_average"] == 7.7


def test_genres_exploded_per_movie_and_name(genres: tuple[list[Row], list[Row]]) -> None:
    bridge, _ = genres
    pairs = sorted((row["movie_id"], row["genre_name"], row["genre_id"]) for row in bridge)

    assert pairs == [
        (862, "Animation", 16),  # only the latest load's genres, not Comedy/Family from L1
        (949, "Action", 28),  # the duplicate Action entry collapses to one row
        (949, "Heist", None),  # a genre TMDB has no id for is kept with a null id
        (15602, "Romance", 10749),  # the blank-named genre is dropped
    ]


def test_genre_rows_carry_their_load(genres: tuple[list[Row], list[Row]]) -> None:
    bridge, _ = genres
    toy_story = [row for row in bridge if row["movie_id"] == 862]

    assert len(toy_story) == 1
    assert toy_story[0]["_loaded_at"].timestamp() == pytest.approx(float(L2), abs=1.0)


def test_unparseable_genres_are_quarantined(genres: tuple[list[Row], list[Row]]) -> None:
    _, rejected = genres

    assert len(rejected) == 1
    row = rejected[0]
    assert row["entity"] == "movie_genres"
    assert row["record_key"] == "11860"
    assert row["raw_value"] == "[{'id': 35, 'name': 'Comedy'"
    assert row["reason"] == "genres: not a Python literal: SyntaxError"
