"""OMDb responses (raw/omdb/movies, all text) -> silver omdb_movies and omdb_ratings.

OMDb writes "N/A" for unknown values; they become null. Scores in the Ratings array come in three
notations ("7.2/10", "82%", "66/100") and are normalised to a 0-100 scale.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from spark.transforms.common import (
    imdb_id,
    json_rejects,
    latest_per_key,
    not_available,
    quarantine_rows,
    to_bigint,
    union_all,
    with_loaded_at,
    with_text_columns,
)
from spark.transforms.validity import Readable, unreadable_values

RAW_COLUMNS = (
    "title", "year", "rated", "released", "runtime", "genre", "director", "writer", "actors", "plot",
    "language", "country", "awards", "poster", "ratings", "metascore", "imdb_rating", "imdb_votes",
    "imdb_id", "type", "dvd", "box_office", "production", "website", "response",
)  # fmt: skip
RAW_SCHEMA = StructType([StructField(name, StringType()) for name in (*RAW_COLUMNS, "_dlt_load_id")])
RATINGS = ArrayType(StructType([StructField("Source", StringType()), StructField("Value", StringType())]))

OMDB_MOVIES_COLUMNS = (
    "imdb_id", "title", "year", "rated", "released", "runtime_minutes", "genre", "director", "writer",
    "actors", "plot", "language", "country", "awards", "poster", "metascore", "imdb_rating",
    "imdb_votes", "type", "dvd", "box_office_usd", "production", "website", "_loaded_at",
)  # fmt: skip
OMDB_RATINGS_COLUMNS = ("imdb_id", "source", "value", "score", "_loaded_at")


def _date(value: Column) -> Column:
    """OMDb dates look like "16 Jul 2010"."""
    return F.to_date(F.try_to_timestamp(not_available(value), F.lit("d MMM yyyy")))


def _digits(value: Column) -> Column:
    """A whole number written with thousands separators and currency: "$1,234,567" -> 1234567."""
    text = F.regexp_replace(not_available(value), r"[$,\s]", "")
    return F.when(text.rlike(r"^\d+$"), text.try_cast("bigint"))


def normalised_score(value: Column) -> Column:
    """ "7.2/10" -> 72.0, "82%" -> 82.0, "66/100" -> 66.0; anything else null (rounded to 0.01)."""
    text = F.regexp_replace(value, r"\s", "")
    number = F.regexp_extract(text, r"^(\d+(?:\.\d+)?)", 1).try_cast("double")
    scaled = (
        F.when(text.rlike(r"^\d+(\.\d+)?/10$"), number * 10)
        .when(text.rlike(r"^\d+(\.\d+)?/100$"), number)
        .when(text.rlike(r"^\d+(\.\d+)?%$"), number)
    )
    return F.round(F.when(scaled.between(0, 100), scaled), 2)


def typed_omdb(raw: DataFrame) -> DataFrame:
    """Raw responses with `_loaded_at`, a validated `imdb_key` and the Ratings JSON parsed."""
    return (
        with_loaded_at(with_text_columns(raw, RAW_COLUMNS))
        .withColumn("imdb_key", imdb_id(F.col("imdb_id")))
        .withColumn("ratings_list", F.from_json(not_available(F.col("ratings")), RATINGS))
    )


def _usable(typed: DataFrame) -> Column:
    return F.col("imdb_key").isNotNull() & (F.coalesce(F.lower(F.trim("response")), F.lit("true")) == "true")


def latest_omdb(typed: DataFrame) -> DataFrame:
    """One successful response per IMDb id: the latest load wins."""
    return latest_per_key(typed.where(_usable(typed)), ["imdb_key"], [F.col("title").asc_nulls_last()])


def _typed_values() -> dict[str, tuple[Column, str]]:
    """OMDb's typed columns: raw column -> (typed value, what a readable value is)."""
    runtime = F.regexp_extract(not_available(F.col("runtime")), r"^(\d+)\s*min", 1).try_cast("int")
    return {
        "year": (F.regexp_extract(not_available(F.col("year")), r"^(\d{4})", 1).try_cast("int"), "a year"),
        "released": (_date(F.col("released")), "a date (d MMM yyyy)"),
        "runtime": (runtime, "a number of minutes (N min)"),
        "metascore": (to_bigint(not_available(F.col("metascore"))).cast("int"), "a whole number"),
        "imdb_rating": (not_available(F.col("imdb_rating")).try_cast("double"), "a number"),
        "imdb_votes": (_digits(F.col("imdb_votes")), "a count"),
        "dvd": (_date(F.col("dvd")), "a date (d MMM yyyy)"),
        "box_office": (_digits(F.col("box_office")), "an amount in dollars"),
    }


def omdb_movies(latest: DataFrame) -> DataFrame:
    """One row per IMDb id, typed: "N/A" null, votes without commas, box office in whole dollars."""
    text = {name: not_available(F.col(name)).alias(name) for name in RAW_COLUMNS}
    typed = {name: value.alias(name) for name, (value, _) in _typed_values().items()}
    return latest.select(
        F.col("imdb_key").alias("imdb_id"),
        text["title"],
        typed["year"],
        text["rated"],
        typed["released"],
        typed["runtime"].alias("runtime_minutes"),
        *[text[name] for name in ("genre", "director", "writer", "actors", "plot", "language")],
        *[text[name] for name in ("country", "awards", "poster")],
        typed["metascore"],
        typed["imdb_rating"],
        typed["imdb_votes"],
        text["type"],
        typed["dvd"],
        typed["box_office"].alias("box_office_usd"),
        text["production"],
        text["website"],
        "_loaded_at",
    )


def _rating_entries(latest: DataFrame) -> DataFrame:
    """Every entry of each response's Ratings array, with its 0-100 score (null: not a score)."""
    entries = latest.select(
        F.col("imdb_key").alias("imdb_id"), "_loaded_at", F.explode("ratings_list").alias("rating")
    ).select(
        "imdb_id",
        not_available(F.col("rating.Source")).alias("source"),
        not_available(F.col("rating.Value")).alias("value"),
        "_loaded_at",
    )
    return entries.withColumn("score", normalised_score(F.col("value")))


def omdb_ratings(latest: DataFrame) -> DataFrame:
    """One row per (IMDb id, rating source) with the raw value and its 0-100 score."""
    scored = _rating_entries(latest).where(F.col("source").isNotNull())
    return latest_per_key(scored, ["imdb_id", "source"], [F.col("score").desc_nulls_last()]).select(
        *OMDB_RATINGS_COLUMNS
    )


def omdb_rejects(typed: DataFrame, latest: DataFrame) -> DataFrame:
    """Responses with no valid IMDb id or Response=False, and Ratings that are not JSON."""
    bad = quarantine_rows(
        typed.where(~_usable(typed)),
        source="omdb",
        entity="omdb_movies",
        key=F.col("imdb_id"),
        raw_value=F.to_json(F.struct("imdb_id", "title", "response")),
        reason=F.when(F.lower(F.trim("response")) != "true", F.lit("response is not True")).otherwise(
            F.lit("imdb_id is not tt + digits")
        ),
    )
    ratings = json_rejects(
        latest,
        source="omdb",
        entity="omdb_ratings",
        key=F.col("imdb_key"),
        raw="ratings",
        parsed="ratings_list",
    )
    values = [Readable.of(name, value, expected) for name, (value, expected) in _typed_values().items()]
    unreadable = unreadable_values(
        latest, source="omdb", entity="omdb_movies", key=F.col("imdb_key"), columns=values
    )
    entries = _rating_entries(latest)
    reason = F.when(F.col("source").isNull(), F.lit("Ratings entry has no Source")).when(
        F.col("value").isNotNull() & F.col("score").isNull(),
        F.lit("Ratings value: not a score (n/10, n/100 or n%; kept as unknown)"),
    )
    scores = quarantine_rows(
        entries.where(reason.isNotNull()),
        source="omdb",
        entity="omdb_ratings",
        key=F.concat_ws(":", "imdb_id", "source"),
        raw_value=F.to_json(F.struct("source", "value")),
        reason=reason,
    )
    return union_all(bad, ratings, unreadable, scores)
