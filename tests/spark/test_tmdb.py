"""TMDB JSON columns -> the same bridges as Kaggle (TMDB wins per movie), release dates, keywords."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
from pyspark.sql import Row, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from spark.transforms import credits, movie_lists, tmdb
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

L3 = "1700172800.0"  # a Kaggle load after both TMDB loads: TMDB still wins for its movies
HELD_MOVIES = (862, 949, 15602)
RAW_COLUMNS = [*tmdb.RAW_COLUMNS, "_dlt_load_id"]


def _response(movie_id: Any, load: str, **columns: Any) -> dict[str, str | None]:
    row: dict[str, str | None] = dict.fromkeys(RAW_COLUMNS)
    row.update(id=str(movie_id), _dlt_load_id=load)
    for name, value in columns.items():
        row[name] = value if isinstance(value, str) or value is None else json.dumps(value)
    return row


TOY_STORY_CREDITS = {
    "cast": [
        {
            "id": 31,
            "name": "Tom Hanks",
            "character": "Woody (voice)",
            "order": 0,
            "gender": 2,
            "adult": False,
        },
    ],
    "crew": [
        {"id": 7879, "name": "John Lasseter", "department": "Directing", "job": "Director", "gender": 2}
    ],
}
RELEASE_DATES = {
    "results": [
        {
            "iso_3166_1": "US",
            "release_dates": [
                {"certification": "G", "descriptors": [], "iso_639_1": "", "note": "",
                 "release_date": "1995-10-30T00:00:00.000Z", "type": 3},
                {"certification": "G", "descriptors": [], "iso_639_1": "", "note": "",
                 "release_date": "1995-10-30T00:00:00.000Z", "type": 3},
                {"certification": "", "note": "El Capitan",
                 "release_date": "1995-11-19T00:00:00.000Z", "type": 1},
            ],
        },
        {"iso_3166_1": "de",
         "release_dates": [{"certification": "0", "release_date": "1996-01-18T00:00:00.000Z", "type": 3}]},
    ]
}  # fmt: skip
RAW_ROWS = [
    _response(
        862, L1, keywords={"keywords": [{"id": 1, "name": "old keyword"}]}, credits={"cast": [], "crew": []}
    ),
    _response(
        862,
        L2,
        imdb_id="tt0114709",
        title="Toy Story",
        credits=TOY_STORY_CREDITS,
        production_companies=[{"id": 3, "logo_path": "/x.png", "name": "Pixar", "origin_country": "US"}],
        production_countries=[{"iso_3166_1": "US", "name": "United States of America"}],
        spoken_languages=[{"english_name": "English", "iso_639_1": "en", "name": "English"}],
        belongs_to_collection={"id": 10194, "name": "Toy Story Collection", "poster_path": None},
        release_dates=RELEASE_DATES,
        keywords={
            "keywords": [
                {"id": 931, "name": "jealousy"},
                {"id": 931, "name": "jealousy"},
                {"id": 4290, "name": "toy"},
            ]
        },
        external_ids={
            "imdb_id": "tt0114709",
            "wikidata_id": "Q171048",
            "facebook_id": "PixarToyStory",
            "instagram_id": " ",
            "twitter_id": None,
        },
    ),
    _response(949, L1, imdb_id="tt0113277", credits="{not json", external_ids=None, keywords="null"),
    _response(5555, L1, title="Not held"),  # silver movies does not hold it
    _response("abc", L1),
]

# Kaggle credit lists, later than TMDB's, for 862 (TMDB wins) and 15602 (only Kaggle has it).
KAGGLE_CAST = [
    (862, L3, [{"id": 99, "name": "Don Rickles", "character": "Mr. Potato Head", "order": 9}]),
    (15602, L1, [{"id": 3151, "name": "Walter Matthau", "character": "Max", "order": 0}]),
]


@pytest.fixture(scope="module")
def built(spark: SparkSession) -> dict[str, list[Row]]:
    schema = StructType([StructField(name, StringType()) for name in RAW_COLUMNS])
    raw = spark.createDataFrame([tuple(row[c] for c in RAW_COLUMNS) for row in RAW_ROWS], schema)
    movies = spark.createDataFrame([(m,) for m in HELD_MOVIES], "movie_id bigint")
    typed = tmdb.typed_tmdb(raw)
    latest = tmdb.latest_tmdb(typed, movies).cache()
    kaggle = spark.createDataFrame(
        [(m, "kaggle", load, json.dumps(cast), "[]") for m, load, cast in KAGGLE_CAST],
        "movie_id bigint, source string, _dlt_load_id string, cast string, crew string",
    ).select(
        "movie_id",
        "source",
        F.timestamp_seconds(F.col("_dlt_load_id").cast("double")).alias("_loaded_at"),
        F.from_json("cast", credits.CAST_LIST).alias("cast"),
        F.from_json("crew", credits.CREW_LIST).alias("crew"),
    )
    lists = credits.preferred_credit_lists(kaggle, tmdb.tmdb_credit_lists(latest))
    cast, _ = credits.movie_cast(lists)
    crew, _ = credits.movie_crew(lists)
    movie_list_rows = movie_lists.preferred_movie_lists(tmdb.tmdb_movie_lists(latest))
    companies, _ = movie_lists.movie_companies(movie_list_rows)
    languages, _ = movie_lists.movie_languages(movie_list_rows)
    return {
        "cast": cast.collect(),
        "crew": crew.collect(),
        "companies": companies.collect(),
        "languages": languages.collect(),
        "collections": movie_lists.collections(tmdb.tmdb_collections(latest)).collect(),
        "release_dates": tmdb.movie_release_dates(latest).collect(),
        "keywords": tmdb.movie_keywords(latest).collect(),
        "imdb": tmdb.tmdb_external_imdb_ids(latest).collect(),
        "external_ids": tmdb.movie_external_ids(latest).collect(),
        "rejects": tmdb.tmdb_rejects(typed, movies, latest).collect(),
    }


def _rows(built: dict[str, list[Row]], entity: str, *columns: str) -> Counter[tuple[Any, ...]]:
    """The rows as a multiset: order-free, duplicates counted, nulls comparable."""
    return Counter(tuple(row[c] for c in columns) for row in built[entity])


def test_tmdb_credits_win_over_later_kaggle_credits(built: dict[str, list[Row]]) -> None:
    assert _rows(
        built, "cast", "movie_id", "person_key", "character", "billing_order", "gender", "source"
    ) == Counter(
        [
            (862, "tmdb:31", "Woody (voice)", 0, 2, "tmdb"),  # not Kaggle's Don Rickles
            (15602, "tmdb:3151", "Max", 0, None, "kaggle"),  # TMDB does not have 15602
        ]
    )
    assert _rows(built, "crew", "movie_id", "person_key", "department", "job", "source") == Counter(
        [
            (862, "tmdb:7879", "Directing", "Director", "tmdb"),
        ]
    )


def test_tmdb_list_bridges(built: dict[str, list[Row]]) -> None:
    assert _rows(
        built, "companies", "movie_id", "company_key", "company_id", "company_name", "source"
    ) == Counter(
        [
            (862, "tmdb:3", 3, "Pixar", "tmdb"),
        ]
    )
    assert _rows(built, "languages", "movie_id", "language_code", "language_name") == Counter(
        [(862, "en", "English")]
    )
    assert _rows(built, "collections", "collection_id", "collection_name") == Counter(
        [(10194, "Toy Story Collection")]
    )


def test_release_dates_one_row_per_country_type_and_date(built: dict[str, list[Row]]) -> None:
    assert _rows(
        built, "release_dates", "movie_id", "country", "certification", "release_date", "type", "note"
    ) == Counter(
        [
            (862, "DE", "0", date(1996, 1, 18), 3, None),
            (862, "US", None, date(1995, 11, 19), 1, "El Capitan"),
            (862, "US", "G", date(1995, 10, 30), 3, None),  # listed twice, one row
        ]
    )


def test_keywords_latest_load_deduplicated(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "keywords", "movie_id", "keyword_id", "keyword_name") == Counter(
        [
            (862, 931, "jealousy"),
            (862, 4290, "toy"),
        ]
    )


def test_external_imdb_id_falls_back_to_top_level(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "imdb", "movie_id", "imdb_id") == Counter([(862, "tt0114709"), (949, "tt0113277")])


def test_external_ids_one_row_per_source_blank_ones_left_out(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "external_ids", "movie_id", "id_source", "external_id") == Counter(
        [(862, "imdb", "tt0114709"), (862, "wikidata", "Q171048"), (862, "facebook", "PixarToyStory")]
    )  # 949 has no external_ids object at all: no rows


def test_rejects_exact(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "rejects", "entity", "record_key", "raw_value", "reason") == Counter(
        [
            ("movie_cast", "949", "{not json", "credits: not JSON of the expected shape"),
            ("tmdb_movies", "5555", '{"title":"Not held"}', "no movie with this id in silver movies"),
            ("tmdb_movies", "abc", '{"id":"abc"}', "id is not an integer"),
        ]
    )


def test_absent_raw_table_gives_empty_entities_with_their_columns(spark: SparkSession) -> None:
    empty = spark.createDataFrame([], tmdb.RAW_SCHEMA)
    movies = spark.createDataFrame([], "movie_id bigint")
    latest = tmdb.latest_tmdb(tmdb.typed_tmdb(empty), movies)

    assert tuple(tmdb.movie_release_dates(latest).columns) == tmdb.RELEASE_DATES_COLUMNS
    assert tuple(tmdb.movie_keywords(latest).columns) == tmdb.KEYWORDS_COLUMNS
    assert tuple(tmdb.movie_external_ids(latest).columns) == tmdb.EXTERNAL_IDS_COLUMNS
    assert dict(tmdb.movie_release_dates(latest).dtypes)["release_date"] == "date"


def test_unreadable_tmdb_values_are_quarantined_and_the_movie_still_loads(spark: SparkSession) -> None:
    # The text fields of a TMDB answer (its numbers are typed by dlt at extract, schema contract aside).
    dates = {"results": [
        {"iso_3166_1": "USA", "release_dates": [{"release_date": "1995-12-22T00:00:00.000Z", "type": 3}]},
        {"iso_3166_1": "US", "release_dates": [{"release_date": "someday", "type": 3}]},
        {"iso_3166_1": "GB", "release_dates": [{"release_date": "1996-02-02T00:00:00.000Z", "type": 3}]},
    ]}  # fmt: skip
    corrupted = {"imdb_id": "nm0000001", "original_language": "English", "release_date": "22/12/1995"}
    row = _response(15602, L2, title="Grumpier Old Men", external_ids={"imdb_id": "tt12"},
                    release_dates=dates, **corrupted)  # fmt: skip
    schema = StructType([StructField(name, StringType()) for name in RAW_COLUMNS])
    typed = tmdb.typed_tmdb(spark.createDataFrame([tuple(row[c] for c in RAW_COLUMNS)], schema))
    latest = tmdb.latest_responses(typed).cache()
    found = tmdb.tmdb_rejects(typed, latest.select("movie_id"), latest).collect()
    rejects = {(r["entity"], r["record_key"], r["raw_value"], r["reason"]) for r in found}
    unknown = "(kept as unknown)"
    assert rejects >= {
        ("movies", "15602", "nm0000001", f"imdb_id: not an IMDb id (tt + 7 or more digits) {unknown}"),
        (
            "movies",
            "15602",
            "tt12",
            f"external_ids.imdb_id: not an IMDb id (tt + 7 or more digits) {unknown}",
        ),
        ("movies", "15602", "22/12/1995", f"release_date: not a date (yyyy-MM-dd) {unknown}"),
        ("movies", "15602", "English", f"original_language: not an ISO 639-1 code {unknown}"),
    }
    release_rejects = sorted(r[3] for r in rejects if r[0] == "movie_release_dates")
    assert release_rejects == [
        "iso_3166_1: not an ISO 3166-1 alpha-2 code",
        "release_date: not a date (yyyy-MM-dd...)",
    ]
    movie = tmdb.tmdb_movie_rows(latest).first()
    assert movie is not None and movie["title"] == "Grumpier Old Men"
    assert (movie["imdb_id"], movie["original_language"], movie["release_date"]) == (None, None, None)
    assert [(r["country"], r["release_date"]) for r in tmdb.movie_release_dates(latest).collect()] == [
        ("GB", date(1996, 2, 2))
    ]
