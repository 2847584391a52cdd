"""Kaggle movies_metadata (raw text) -> silver movies, movie_genres and the movie quarantine."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

from spark.transforms.common import latest_per_key, quarantine_rows, with_loaded_at
from spark.transforms.literals import with_parsed_literal

ID_NAME = StructType([StructField("id", LongType()), StructField("name", StringType())])
ID_NAME_LIST = ArrayType(ID_NAME)

MOVIE_COLUMNS = (
    "movie_id", "imdb_id", "title", "original_title", "original_language", "overview", "status",
    "release_date", "release_year", "runtime_minutes", "popularity", "vote_average", "vote_count",
    "collection_id", "collection_name", "budget_nominal", "revenue_nominal", "_loaded_at",
)  # fmt: skip


def _text(column: str) -> Column:
    """Trimmed text, blank as null."""
    value = F.trim(F.col(column))
    return F.when(value != "", value)


def _money(column: str) -> Column:
    """Kaggle writes 0 for unknown money: 0 and negatives become null."""
    value = F.col(column).try_cast("double")
    return F.when(value > 0, value)


def typed_movies(raw: DataFrame) -> DataFrame:
    """Cast raw movies_metadata; rows whose id is not an integer keep `movie_id` null."""
    release = F.to_date(F.try_to_timestamp(F.col("release_date"), F.lit("yyyy-MM-dd")))
    return (
        with_parsed_literal(with_loaded_at(raw), "belongs_to_collection", ID_NAME, "collection")
        .withColumn("movie_id", F.trim("id").try_cast("bigint"))
        .select(
            "*",
            F.when(F.col("imdb_id").rlike(r"^tt\d+$"), F.col("imdb_id")).alias("imdb_id_clean"),
            release.alias("release_date_parsed"),
            F.year(release).alias("release_year"),
            F.round(F.col("runtime").try_cast("double")).try_cast("int").alias("runtime_minutes"),
            F.col("popularity").try_cast("double").alias("popularity_value"),
            F.col("vote_average").try_cast("double").alias("vote_average_value"),
            F.col("vote_count").try_cast("double").try_cast("bigint").alias("vote_count_value"),
            _money("budget").alias("budget_nominal"),
            _money("revenue").alias("revenue_nominal"),
        )
    )


def silver_movies(typed: DataFrame) -> DataFrame:
    """One row per movie_id, latest load first, then the row with the most complete identity."""
    valid = typed.where(F.col("movie_id").isNotNull())
    deduped = latest_per_key(valid, ["movie_id"], [F.col("imdb_id_clean").asc_nulls_last(), F.col("title")])
    return deduped.select(
        "movie_id",
        F.col("imdb_id_clean").alias("imdb_id"),
        _text("title").alias("title"),
        _text("original_title").alias("original_title"),
        _text("original_language").alias("original_language"),
        _text("overview").alias("overview"),
        _text("status").alias("status"),
        F.col("release_date_parsed").alias("release_date"),
        "release_year",
        "runtime_minutes",
        F.col("popularity_value").alias("popularity"),
        F.col("vote_average_value").alias("vote_average"),
        F.col("vote_count_value").alias("vote_count"),
        F.col("collection.id").alias("collection_id"),
        F.col("collection.name").alias("collection_name"),
        "budget_nominal",
        "revenue_nominal",
        "_loaded_at",
    )


def movie_genres(movies_raw: DataFrame, movies: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Explode the genres literal to one row per (movie, genre); unparseable lists to quarantine."""
    latest = movies_raw.join(movies.select("movie_id", "_loaded_at"), ["movie_id", "_loaded_at"], "semi")
    parsed = with_parsed_literal(latest, "genres", ID_NAME_LIST, "genre_list")
    bridge = (
        parsed.select("movie_id", "_loaded_at", F.explode("genre_list").alias("genre"))
        .select(
            "movie_id",
            F.col("genre.id").alias("genre_id"),
            F.trim("genre.name").alias("genre_name"),
            "_loaded_at",
        )
        .where(F.col("genre_name").isNotNull() & (F.col("genre_name") != ""))
        .dropDuplicates(["movie_id", "genre_name"])
    )
    rejected = quarantine_rows(
        parsed.where(F.col("genre_list_error").isNotNull()),
        source="kaggle",
        entity="movie_genres",
        key=F.col("movie_id"),
        raw_value=F.col("genres"),
        reason=F.concat(F.lit("genres: "), F.col("genre_list_error")),
    )
    return bridge, rejected


def movie_quarantine(typed: DataFrame) -> DataFrame:
    """Rows with no integer id (Kaggle's shifted-column rows) and unparseable collections."""
    bad_id = quarantine_rows(
        typed.where(F.col("movie_id").isNull()),
        source="kaggle",
        entity="movies",
        key=F.col("imdb_id"),
        raw_value=F.to_json(F.struct(*[F.col(c) for c in ("id", "imdb_id", "title", "release_date")])),
        reason=F.concat(F.lit("id is not an integer: "), F.coalesce(F.col("id"), F.lit("<null>"))),
    )
    bad_collection = quarantine_rows(
        typed.where(F.col("movie_id").isNotNull() & F.col("collection_error").isNotNull()),
        source="kaggle",
        entity="collections",
        key=F.col("movie_id"),
        raw_value=F.col("belongs_to_collection"),
        reason=F.concat(F.lit("belongs_to_collection: "), F.col("collection_error")),
    )
    return bad_id.unionByName(bad_collection)
