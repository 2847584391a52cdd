"""MovieLens links and ratings -> silver movie_links and ratings resolved to the right movie.

MovieLens movie ids are not TMDB ids: a rating reaches a movie only through links.csv
(movieId -> tmdbId), and only when that TMDB id is a movie we hold.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from lakehouse import imdb
from spark.transforms.common import latest_per_key, not_an_integer, quarantine_rows, with_loaded_at
from spark.transforms.validity import Readable, unreadable_values

RATING_MIN, RATING_MAX = 0.5, 5.0


def _padded(digits: Column) -> Column:
    """IMDb ids have at least 7 digits; newer ones have 8, which must not be cut (lakehouse.imdb)."""
    return F.when(F.length(digits) < imdb.DIGITS, F.lpad(digits, imdb.DIGITS, "0")).otherwise(digits)


def _typed_links(raw_links: DataFrame) -> DataFrame:
    """links.csv as delivered (`movieId`, `imdbId`, `tmdbId` text) and typed. The raw `movie_id` is a
    MovieLens id, never a movie id, so no column of this frame is called that."""
    imdb_digits = F.trim("imdb_id")
    return with_loaded_at(raw_links).select(
        F.col("movie_id").alias("movieId"),
        F.col("imdb_id").alias("imdbId"),
        F.col("tmdb_id").alias("tmdbId"),
        F.trim("movie_id").try_cast("bigint").alias("movielens_movie_id"),
        F.when(imdb_digits.rlike(r"^\d+$"), F.concat(F.lit("tt"), _padded(imdb_digits))).alias("imdb_key"),
        F.trim("tmdb_id").try_cast("bigint").alias("tmdb_key"),
        "_loaded_at",
    )


def silver_movie_links(raw_links: DataFrame) -> DataFrame:
    """One row per MovieLens movie with its IMDb (`tt` + 7+ digits) and TMDB ids, null if unknown."""
    ids = [F.col("imdb_key").alias("imdb_id"), F.col("tmdb_key").alias("tmdb_id")]
    typed = _typed_links(raw_links).select("movielens_movie_id", *ids, "_loaded_at")
    valid = typed.where(F.col("movielens_movie_id").isNotNull())
    return latest_per_key(valid, ["movielens_movie_id"], [F.col("tmdb_id").asc_nulls_last()])


def link_rejects(raw_links: DataFrame) -> DataFrame:
    """links.csv rows whose movieId is not an integer (the row cannot load), and imdbId or tmdbId
    values that are not ids (the link loads, that id unknown)."""
    typed = _typed_links(raw_links)
    bad_id = quarantine_rows(
        typed.where(F.col("movielens_movie_id").isNull()),
        source="kaggle",
        entity="movie_links",
        key=F.col("movieId"),
        raw_value=F.to_json(F.struct("movieId", "imdbId", "tmdbId")),
        reason=not_an_integer("movieId"),
    )
    ids = [
        Readable.of("imdbId", F.col("imdb_key"), "an IMDb id (digits)"),
        Readable.of("tmdbId", F.col("tmdb_key"), "a TMDB id (an integer)"),
    ]
    unreadable = unreadable_values(
        typed.where(F.col("movielens_movie_id").isNotNull()),
        source="kaggle",
        entity="movie_links",
        key=F.col("movielens_movie_id"),
        columns=ids,
    )
    return bad_id.unionByName(unreadable)


def resolved_links(links: DataFrame, movies: DataFrame) -> DataFrame:
    """MovieLens movie id -> movie_id, for the linked TMDB ids that are movies we hold."""
    known_movies = movies.select(F.col("movie_id").alias("tmdb_id"))
    return links.join(known_movies, "tmdb_id", "semi").select(
        "movielens_movie_id", F.col("tmdb_id").alias("movie_id")
    )


def silver_ratings(
    raw_ratings: DataFrame, links: DataFrame, movies: DataFrame
) -> tuple[DataFrame, DataFrame]:
    """Latest rating per (user, MovieLens movie), resolved to movie_id; out-of-range to quarantine."""
    typed = with_loaded_at(raw_ratings).select(
        F.col("user_id"),
        F.col("movie_id").alias("movielens_movie_id"),
        F.col("rating"),
        F.timestamp_seconds("timestamp").alias("rated_at"),
        "_loaded_at",
    )
    in_range = F.col("rating").between(RATING_MIN, RATING_MAX)
    deduped = latest_per_key(
        typed.where(in_range), ["user_id", "movielens_movie_id"], [F.col("rated_at").desc()]
    )
    ratings = deduped.join(resolved_links(links, movies), "movielens_movie_id", "left").select(
        "user_id", "movielens_movie_id", "movie_id", "rating", "rated_at", "_loaded_at"
    )
    rejected = quarantine_rows(
        typed.where(~in_range | F.col("rating").isNull()),
        source="kaggle",
        entity="ratings",
        key=F.concat_ws(":", "user_id", "movielens_movie_id"),
        raw_value=F.col("rating"),
        reason=F.lit(f"rating outside [{RATING_MIN}, {RATING_MAX}]"),
    )
    return ratings, rejected
