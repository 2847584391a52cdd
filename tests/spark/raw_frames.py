"""Small DataFrames shaped like the lake's raw/ tables (see docs/lake_layout.md and extract/).

Kaggle movies_metadata and links arrive as text; ratings are typed by extract (bigint, bigint,
double, bigint); FRED CPI has a date and a double. Every row carries dlt's `_dlt_load_id` text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import (
    DateType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from extract.kaggle import MOVIES_METADATA_COLUMNS

# Two dlt loads, a day apart: L1 = 2023-11-14T22:13:20.5Z, L2 = 2023-11-15T22:13:20Z.
L1 = "1700000000.5"
L2 = "1700086400.0"


def _text_schema(columns: Sequence[str]) -> StructType:
    return StructType([StructField(name, StringType()) for name in columns])


MOVIES_METADATA_SCHEMA = _text_schema([*MOVIES_METADATA_COLUMNS, "_source_file", "_dlt_load_id"])
LINKS_SCHEMA = _text_schema(["movie_id", "imdb_id", "tmdb_id", "_source_file", "_dlt_load_id"])
RATINGS_SCHEMA = StructType(
    [
        StructField("user_id", LongType()),
        StructField("movie_id", LongType()),
        StructField("rating", DoubleType()),
        StructField("timestamp", LongType()),
        StructField("_source_file", StringType()),
        StructField("_dlt_load_id", StringType()),
    ]
)
CPI_SCHEMA = StructType(
    [
        StructField("observation_date", DateType()),
        StructField("cpiaucsl", DoubleType()),
        StructField("_source_file", StringType()),
        StructField("_dlt_load_id", StringType()),
    ]
)


def movies_metadata(spark: SparkSession, rows: Sequence[Mapping[str, str | None]]) -> DataFrame:
    """Raw movies_metadata rows: every Kaggle column text, unspecified columns null."""
    columns = MOVIES_METADATA_SCHEMA.fieldNames()
    unknown = {name for row in rows for name in row} - set(columns)
    assert not unknown, f"not raw movies_metadata columns: {unknown}"
    defaults: dict[str, Any] = {"_source_file": "movies_metadata.csv", "_dlt_load_id": L1}
    data = [tuple({**defaults, **row}.get(name) for name in columns) for row in rows]
    return spark.createDataFrame(data, MOVIES_METADATA_SCHEMA)


def links(spark: SparkSession, rows: Sequence[tuple[str | None, str | None, str | None, str]]) -> DataFrame:
    """Raw links rows (movie_id, imdb_id, tmdb_id, _dlt_load_id), all text as in links.csv."""
    data = [(ml, imdb, tmdb, "links.csv", load) for ml, imdb, tmdb, load in rows]
    return spark.createDataFrame(data, LINKS_SCHEMA)


def ratings(spark: SparkSession, rows: Sequence[tuple[int, int, float | None, int, str]]) -> DataFrame:
    """Raw ratings rows (user_id, movie_id = MovieLens id, rating, timestamp, _dlt_load_id)."""
    data = [(user, movie, rating, ts, "ratings.csv", load) for user, movie, rating, ts, load in rows]
    return spark.createDataFrame(data, RATINGS_SCHEMA)


def cpi(spark: SparkSession, rows: Sequence[tuple[date, float | None, str]]) -> DataFrame:
    """Raw FRED CPIAUCSL rows (observation_date, cpiaucsl, _dlt_load_id)."""
    data = [(day, value, "CPIAUCSL.csv", load) for day, value, load in rows]
    return spark.createDataFrame(data, CPI_SCHEMA)


CREDITS_SCHEMA = _text_schema(["cast", "crew", "id", "_source_file", "_dlt_load_id"])


def credits(spark: SparkSession, rows: Sequence[tuple[str | None, str | None, str | None, str]]) -> DataFrame:
    """Raw credits rows (cast, crew, id, _dlt_load_id), all text: the lists are Python literals."""
    data = [(cast, crew, movie_id, "credits.csv", load) for cast, crew, movie_id, load in rows]
    return spark.createDataFrame(data, CREDITS_SCHEMA)
