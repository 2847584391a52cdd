"""Kaggle list literals -> silver movie_companies, companies, movie_countries, movie_languages,
collections and their quarantine."""

from __future__ import annotations

import pytest
from pyspark.sql import Row, SparkSession

from spark.transforms.movie_lists import (
    collections,
    companies,
    kaggle_movie_list_rejects,
    kaggle_movie_lists,
    movie_companies,
    movie_countries,
    movie_languages,
    parsed_kaggle_movie_lists,
    preferred_movie_lists,
)
from spark.transforms.movies import silver_movies, typed_movies
from tests.spark import raw_frames
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

PIXAR = "{'name': 'Pixar Animation Studios', 'id': 3}"
RAW_ROWS: list[dict[str, str | None]] = [
    {  # replaced whole by the later load
        "id": "862",
        "production_companies": "[{'name': 'Old Company', 'id': 1}]",
        "production_countries": "[{'iso_3166_1': 'FR', 'name': 'France'}]",
        "spoken_languages": "[{'iso_639_1': 'fr', 'name': 'Français'}]",
        "belongs_to_collection": "{'id': 10194, 'name': 'Old Name'}",
        "_dlt_load_id": L1,
    },
    {
        "id": "862",
        "production_companies": f"[{PIXAR}, {PIXAR}, {{'name': 'Walt Disney Pictures', 'id': None}}]",
        "production_countries": "[{'iso_3166_1': 'us', 'name': 'United States of America'}, "
        "{'name': 'Nowhere'}]",
        "spoken_languages": "[{'iso_639_1': 'EN', 'name': 'English'}, "
        "{'iso_639_1': 'en', 'name': 'English'}]",
        "belongs_to_collection": "{'id': 10194, 'name': ' Toy Story Collection '}",
        "_dlt_load_id": L2,
    },
    {
        "id": "949",
        "production_companies": "[]",
        "production_countries": None,
        "spoken_languages": "[{'iso_639_1': 'en', 'name': 'English'}",
    },
    {
        "id": "15602",
        "production_companies": "[{'name': '  ', 'id': None}, {'name': 'Walt  Disney Pictures', 'id': None}]",
        "production_countries": "[{'iso_3166_1': 'US', 'name': 'United States of America'}]",
        "spoken_languages": "[]",
        "belongs_to_collection": "{'id': 119050, 'name': 'Grumpy Old Men Collection'}",
    },
    {"id": "1997-08-20", "production_companies": "0.065736"},  # shifted row: not a movie
]


@pytest.fixture(scope="module")
def built(spark: SparkSession) -> dict[str, list[Row]]:
    typed = typed_movies(raw_frames.movies_metadata(spark, RAW_ROWS)).cache()
    movies = silver_movies(typed).cache()
    parsed = parsed_kaggle_movie_lists(typed, movies).cache()
    lists = preferred_movie_lists(kaggle_movie_lists(parsed)).cache()
    company_rows, company_rejects = movie_companies(lists)
    countries, country_rejects = movie_countries(lists)
    languages, language_rejects = movie_languages(lists)
    company_rows = company_rows.cache()
    rejects = (
        kaggle_movie_list_rejects(parsed)
        .unionByName(company_rejects)
        .unionByName(country_rejects)
        .unionByName(language_rejects)
    )
    return {
        "movie_companies": company_rows.collect(),
        "companies": companies(company_rows).collect(),
        "movie_countries": countries.collect(),
        "movie_languages": languages.collect(),
        "collections": collections(movies).collect(),
        "rejects": rejects.collect(),
    }


def _rows(built: dict[str, list[Row]], entity: str, *columns: str) -> list[tuple[object, ...]]:
    return sorted(tuple(row[c] for c in columns) for row in built[entity])


def test_movie_companies_exact(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "movie_companies", "movie_id", "company_key", "company_id", "company_name") == [
        (862, "name:Walt Disney Pictures", None, "Walt Disney Pictures"),
        (862, "tmdb:3", 3, "Pixar Animation Studios"),  # listed twice, one row
        (15602, "name:Walt Disney Pictures", None, "Walt Disney Pictures"),  # whitespace collapsed
    ]


def test_companies_one_row_per_key(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "companies", "company_key", "company_id", "company_name") == [
        ("name:Walt Disney Pictures", None, "Walt Disney Pictures"),
        ("tmdb:3", 3, "Pixar Animation Studios"),
    ]


def test_movie_countries_exact(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "movie_countries", "movie_id", "country_code", "country_name", "source") == [
        (862, "US", "United States of America", "kaggle"),  # later load only; code upper-cased
        (15602, "US", "United States of America", "kaggle"),
    ]


def test_movie_languages_exact(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "movie_languages", "movie_id", "language_code", "language_name") == [
        (862, "en", "English"),  # "EN" and "en" are one language
    ]


def test_collections_latest_name_wins(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "collections", "collection_id", "collection_name") == [
        (10194, "Toy Story Collection"),
        (119050, "Grumpy Old Men Collection"),
    ]


def test_rejects_exact(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "rejects", "entity", "record_key", "raw_value", "reason") == [
        ("movie_companies", "15602", '{"name":"  "}', "company entry has neither id nor name"),
        ("movie_countries", "862", '{"name":"Nowhere"}', "country entry has no iso_3166_1 code"),
        (
            "movie_languages",
            "949",
            "[{'iso_639_1': 'en', 'name': 'English'}",
            "spoken_languages: not a Python literal: SyntaxError",
        ),
    ]
