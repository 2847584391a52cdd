"""OMDb responses -> silver omdb_movies and omdb_ratings (scores normalised to 0-100)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
from pyspark.sql import Row, SparkSession
from pyspark.sql import functions as F

from spark.transforms import omdb
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

RAW_COLUMNS = [*omdb.RAW_COLUMNS, "_dlt_load_id"]
INCEPTION_RATINGS = [
    {"Source": "Internet Movie Database", "Value": "8.8/10"},
    {"Source": "Rotten Tomatoes", "Value": "87%"},
    {"Source": "Metacritic", "Value": "74/100"},
    {"Source": "Metacritic", "Value": "74/100"},  # listed twice
    {"Source": "Letterboxd", "Value": "four stars"},  # unknown notation: kept, score null
]


def _response(imdb_id: str | None, load: str, **columns: str | None) -> tuple[str | None, ...]:
    row: dict[str, str | None] = {name: "N/A" for name in RAW_COLUMNS}
    row.update({"imdb_id": imdb_id, "response": "True", "_dlt_load_id": load, **columns})
    return tuple(row[c] for c in RAW_COLUMNS)


RAW_ROWS = [
    _response("tt1375666", L1, title="Inception (old)", ratings="[]"),
    _response(
        "tt1375666",
        L2,
        title="Inception",
        year="2010",
        rated="PG-13",
        released="16 Jul 2010",
        runtime="148 min",
        metascore="74",
        imdb_rating="8.8",
        imdb_votes="2,512,345",
        box_office="$292,587,330",
        dvd="07 Dec 2010",
        ratings=json.dumps(INCEPTION_RATINGS),
    ),
    _response("tt0111161", L1, title="The Shawshank Redemption", year="1994\u20131995", ratings="N/A"),
    _response("tt0000001", L1, title="Broken", ratings="{oops"),
    _response(None, L1, title=None, response="False"),  # "Movie not found!"
    _response("12345", L1, title="Bad id"),
]


@pytest.fixture(scope="module")
def built(spark: SparkSession) -> dict[str, list[Row]]:
    raw = spark.createDataFrame(RAW_ROWS, ", ".join(f"{c} string" for c in RAW_COLUMNS))
    typed = omdb.typed_omdb(raw)
    latest = omdb.latest_omdb(typed).cache()
    return {
        "movies": omdb.omdb_movies(latest).collect(),
        "ratings": omdb.omdb_ratings(latest).collect(),
        "rejects": omdb.omdb_rejects(typed, latest).collect(),
    }


def _rows(built: dict[str, list[Row]], entity: str, *columns: str) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(row[c] for c in columns) for row in built[entity])


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("7.2/10", 72.0),
        ("8.8/10", 88.0),
        ("82%", 82.0),
        ("66/100", 66.0),
        ("10/10", 100.0),
        ("N/A", None),
        ("120%", None),
        ("4/5", None),
        ("", None),
    ],
)
def test_normalised_score(spark: SparkSession, value: str, score: float | None) -> None:
    row = spark.range(1).select(omdb.normalised_score(F.lit(value)).alias("score")).first()

    assert row is not None
    assert row["score"] == score


def test_omdb_movies_typed(built: dict[str, list[Row]]) -> None:
    movies = {row["imdb_id"]: row for row in built["movies"]}

    assert sorted(movies) == ["tt0000001", "tt0111161", "tt1375666"]
    inception = movies["tt1375666"]
    assert inception["title"] == "Inception"  # the later load
    assert inception["year"] == 2010
    assert inception["released"] == date(2010, 7, 16)
    assert inception["dvd"] == date(2010, 12, 7)
    assert inception["runtime_minutes"] == 148
    assert inception["metascore"] == 74
    assert inception["imdb_rating"] == 8.8
    assert inception["imdb_votes"] == 2_512_345
    assert inception["box_office_usd"] == 292_587_330
    assert inception["rated"] == "PG-13"
    shawshank = movies["tt0111161"]
    assert shawshank["year"] == 1994
    for column in ("rated", "released", "metascore", "imdb_rating", "imdb_votes", "box_office_usd", "awards"):
        assert shawshank[column] is None, column  # "N/A"
    assert tuple(omdb.OMDB_MOVIES_COLUMNS) == tuple(built["movies"][0].asDict())


def test_omdb_ratings_one_row_per_source(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "ratings", "imdb_id", "source", "value", "score") == Counter(
        [
            ("tt1375666", "Internet Movie Database", "8.8/10", 88.0),
            ("tt1375666", "Rotten Tomatoes", "87%", 87.0),
            ("tt1375666", "Metacritic", "74/100", 74.0),
            ("tt1375666", "Letterboxd", "four stars", None),
        ]
    )


def test_omdb_rejects(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "rejects", "entity", "record_key", "reason") == Counter(
        [
            ("omdb_movies", None, "response is not True"),
            ("omdb_movies", "12345", "imdb_id is not tt + digits"),
            ("omdb_ratings", "tt0000001", "ratings: not JSON of the expected shape"),
            # The row loads with its value and no score; the unknown notation is kept aside too.
            ("omdb_ratings", "tt1375666:Letterboxd",
             "Ratings value: not a score (n/10, n/100 or n%; kept as unknown)"),
        ]
    )  # fmt: skip
