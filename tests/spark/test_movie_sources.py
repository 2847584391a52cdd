"""Silver movies, genres and keywords across Kaggle and TMDB: one delivery per movie, TMDB's first."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql.types import StringType, StructField, StructType

from spark.transforms import keywords, movies, tmdb
from tests.spark import raw_frames
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

TMDB_COLUMNS = [*tmdb.RAW_COLUMNS, "_dlt_load_id"]
ACTION, DRAMA = {"id": 28, "name": "Action"}, {"id": 18, "name": "Drama"}


def _tmdb(spark: SparkSession, rows: list[dict[str, Any]]) -> DataFrame:
    data = []
    for row in rows:
        full: dict[str, Any] = dict.fromkeys(TMDB_COLUMNS)
        for name, value in row.items():
            full[name] = value if isinstance(value, str) or value is None else json.dumps(value)
        data.append(tuple(full[name] for name in TMDB_COLUMNS))
    return spark.createDataFrame(data, StructType([StructField(n, StringType()) for n in TMDB_COLUMNS]))


KAGGLE_ROWS = [  # 862 is also in TMDB (its Kaggle row is the later load); 15602 only in Kaggle
    {"id": "862", "imdb_id": "tt0114709", "title": "Toy Story (Kaggle)", "budget": "30000000",
     "revenue": "0", "release_date": "1995-10-30", "genres": "[{'id': 16, 'name': 'Animation'}]",
     "_dlt_load_id": L2},
    {"id": "15602", "imdb_id": "tt0113228", "title": "Grumpier Old Men", "budget": "0",
     "revenue": "71500000", "release_date": "1995-12-22", "genres": "[{'id': 35, 'name': 'Comedy'}]"},
]  # fmt: skip
TMDB_ROWS = [  # 862 from TMDB wins; 550 is only in TMDB
    {"id": "862", "imdb_id": "tt0114709", "title": "Toy Story", "original_title": "Toy Story",
     "original_language": "en", "status": "Released", "release_date": "1995-10-30", "runtime": "81",
     "popularity": "21.9", "vote_average": "7.7", "vote_count": "5415", "budget": "30000000",
     "revenue": "373554033", "genres": [{"id": 16, "name": "Animation"}, {"id": 35, "name": "Comedy"}],
     "belongs_to_collection": {"id": 10194, "name": "Toy Story Collection"},
     "keywords": {"keywords": [{"id": 931, "name": "jealousy"}]},
     "external_ids": {"imdb_id": "tt0114709"}, "_dlt_load_id": L1},
    {"id": "550", "imdb_id": "tt0137523", "title": "Fight Club", "release_date": "1999-10-15",
     "runtime": "139", "budget": "63000000", "revenue": "0", "genres": [DRAMA, ACTION],
     "keywords": {"keywords": []}, "external_ids": {"imdb_id": "tt0137523"}, "_dlt_load_id": L1},
]  # fmt: skip
KEYWORD_ROWS = [  # Kaggle keywords.csv: id, keywords
    ("862", "[{'id': 1, 'name': 'kaggle only keyword'}]", L2),  # TMDB's list wins for 862
    ("15602", "[{'id': 12392, 'name': 'best friend'}, {'id': 179431, 'name': 'duringcreditsstinger'}]", L1),
    ("15602", "[{'id': 99, 'name': 'older load'}]", "1699900000.0"),
    ("550", "[{'id': 1, 'name': 'unterminated'", L1),
    ("550x", "[]", L1),
    ("999", "[]", L1),  # no such movie
]


@pytest.fixture(scope="module")
def built(spark: SparkSession) -> dict[str, Any]:
    typed = movies.typed_movies(raw_frames.movies_metadata(spark, KAGGLE_ROWS)).cache()
    latest = tmdb.latest_responses(tmdb.typed_tmdb(_tmdb(spark, TMDB_ROWS))).cache()
    movie_rows = movies.preferred_movies(movies.silver_movies(typed), tmdb.tmdb_movie_rows(latest)).cache()
    kaggle_genres, _ = movies.movie_genres(movies.parsed_kaggle_genres(typed, movie_rows))
    raw_keywords = spark.createDataFrame(
        [(movie_id, text, "keywords.csv", load) for movie_id, text, load in KEYWORD_ROWS], keywords.RAW_SCHEMA
    )
    parsed = keywords.parsed_kaggle_keywords(raw_keywords, movie_rows)
    return {
        "movies": {row["movie_id"]: row for row in movie_rows.collect()},
        "columns": tuple(movie_rows.columns),
        "genres": sorted(
            (row["movie_id"], row["genre_name"])
            for row in kaggle_genres.unionByName(tmdb.tmdb_genres(latest, movie_rows)).collect()
        ),
        "keywords": sorted(
            (row["movie_id"], row["keyword_id"], row["keyword_name"])
            for row in keywords.movie_keywords(
                tmdb.tmdb_keyword_lists(latest), keywords.kaggle_keyword_lists(parsed)
            ).collect()
        ),
        "keyword_rejects": sorted(
            (row["record_key"], row["reason"])
            for row in keywords.kaggle_keyword_rejects(raw_keywords, movie_rows, parsed).collect()
        ),
    }


def test_movies_cover_kaggle_and_tmdb_once_each(built: dict[str, Any]) -> None:
    assert built["columns"] == movies.MOVIE_COLUMNS
    assert {movie_id: row["source"] for movie_id, row in built["movies"].items()} == {
        862: "tmdb",
        550: "tmdb",
        15602: "kaggle",
    }


def test_tmdb_row_wins_over_a_later_kaggle_row(built: dict[str, Any]) -> None:
    toy_story: Row = built["movies"][862]
    assert (toy_story["title"], toy_story["revenue_nominal"], toy_story["runtime_minutes"]) == (
        "Toy Story", 373554033.0, 81
    )  # fmt: skip
    assert (toy_story["collection_id"], toy_story["collection_name"]) == (10194, "Toy Story Collection")
    assert (toy_story["vote_count"], toy_story["popularity"]) == (5415, 21.9)


def test_a_tmdb_only_movie_is_typed_like_kaggles(built: dict[str, Any]) -> None:
    fight_club: Row = built["movies"][550]
    assert fight_club["imdb_id"] == "tt0137523"
    assert (fight_club["release_date"], fight_club["release_year"]) == (date(1999, 10, 15), 1999)
    assert (fight_club["budget_nominal"], fight_club["revenue_nominal"]) == (63000000.0, None)  # 0 = unknown


def test_a_kaggle_only_movie_keeps_kaggles_values(built: dict[str, Any]) -> None:
    grumpier: Row = built["movies"][15602]
    assert (grumpier["title"], grumpier["budget_nominal"], grumpier["revenue_nominal"]) == (
        "Grumpier Old Men", None, 71500000.0
    )  # fmt: skip


def test_genres_come_from_the_delivery_the_movie_came_from(built: dict[str, Any]) -> None:
    assert built["genres"] == [
        (550, "Action"), (550, "Drama"), (862, "Animation"), (862, "Comedy"), (15602, "Comedy"),
    ]  # fmt: skip


def test_keywords_tmdb_first_then_kaggles_latest_list(built: dict[str, Any]) -> None:
    assert built["keywords"] == [
        (862, 931, "jealousy"),
        (15602, 12392, "best friend"),
        (15602, 179431, "duringcreditsstinger"),
    ]


def test_keyword_rows_that_cannot_be_used_are_quarantined(built: dict[str, Any]) -> None:
    assert built["keyword_rejects"] == [
        ("550", "keywords: not a Python literal: SyntaxError"),
        ("550x", "id is not an integer: 550x"),
        ("999", "no movie with this id in silver movies"),
    ]
