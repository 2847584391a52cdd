"""Kaggle movies_metadata (raw text) -> silver movies, movie_genres and the movie quarantine.

Silver `movies` holds Kaggle's movies and TMDB's (spark.transforms.tmdb gives them in the same
columns): one row per movie, from TMDB when TMDB has the movie, else from Kaggle, the latest load
within a source; `source` says which. The genres of a movie come from the same delivery.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

from spark.transforms.common import (
    language_code,
    latest_per_key,
    not_an_integer,
    preferred_source_per_movie,
    quarantine_rows,
    to_double,
    union_all,
    with_loaded_at,
)
from spark.transforms.literals import with_parsed_literal
from spark.transforms.validity import Readable, unreadable_values

ID_NAME = StructType([StructField("id", LongType()), StructField("name", StringType())])
ID_NAME_LIST = ArrayType(ID_NAME)

MOVIE_COLUMNS = (
    "movie_id", "imdb_id", "title", "original_title", "original_language", "overview", "status",
    "release_date", "release_year", "runtime_minutes", "popularity", "vote_average", "vote_count",
    "collection_id", "collection_name", "budget_nominal", "revenue_nominal", "source", "_loaded_at",
)  # fmt: skip
GENRE_COLUMNS = ("movie_id", "genre_id", "genre_name", "_loaded_at")


def text_value(column: str) -> Column:
    """Trimmed text, blank as null."""
    value = F.trim(F.col(column).cast("string"))
    return F.when(value != "", value)


def money_value(column: str) -> Column:
    """Kaggle and TMDB write 0 for unknown money: 0 and negatives become null (movie_quarantine
    keeps each negative amount with its reason)."""
    value = F.col(column).cast("string").try_cast("double")
    return F.when(value > 0, value)


def released_after_load(release: Column) -> Column:
    """A release date later than the delivery itself on a film that is not announced as upcoming:
    TMDB lists planned films with future dates, but a `Released` (or status-less) film dated after
    its own delivery is a bad date."""
    status = F.coalesce(F.trim(F.col("status")), F.lit("Released"))
    return (release > F.to_date(F.col("_loaded_at"))) & status.isin("Released", "")


def typed_movies(raw: DataFrame) -> DataFrame:
    """Cast raw movies_metadata; rows whose id is not an integer keep `movie_id` null."""
    parsed = F.to_date(F.try_to_timestamp(F.col("release_date"), F.lit("yyyy-MM-dd")))
    release = F.when(~released_after_load(parsed), parsed)
    return (
        with_parsed_literal(with_loaded_at(raw), "belongs_to_collection", ID_NAME, "collection")
        .withColumn("movie_id", F.trim("id").try_cast("bigint"))
        .select(
            "*",
            F.when(F.col("imdb_id").rlike(r"^tt\d+$"), F.col("imdb_id")).alias("imdb_id_clean"),
            parsed.alias("release_date_read"),
            release.alias("release_date_parsed"),
            F.coalesce(released_after_load(parsed), F.lit(False)).alias("release_after_load"),
            F.year(release).alias("release_year"),
            F.round(F.col("runtime").try_cast("double")).try_cast("int").alias("runtime_minutes"),
            F.col("popularity").try_cast("double").alias("popularity_value"),
            F.col("vote_average").try_cast("double").alias("vote_average_value"),
            F.col("vote_count").try_cast("double").try_cast("bigint").alias("vote_count_value"),
            money_value("budget").alias("budget_nominal"),
            money_value("revenue").alias("revenue_nominal"),
        )
    )


def silver_movies(typed: DataFrame) -> DataFrame:
    """One row per movie_id, latest load first, then the row with the most complete identity."""
    valid = typed.where(F.col("movie_id").isNotNull())
    deduped = latest_per_key(valid, ["movie_id"], [F.col("imdb_id_clean").asc_nulls_last(), F.col("title")])
    return deduped.select(
        "movie_id",
        F.col("imdb_id_clean").alias("imdb_id"),
        text_value("title").alias("title"),
        text_value("original_title").alias("original_title"),
        language_code(F.col("original_language")).alias("original_language"),
        text_value("overview").alias("overview"),
        text_value("status").alias("status"),
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
        F.lit("kaggle").alias("source"),
        "_loaded_at",
    )


def preferred_movies(*deliveries: DataFrame) -> DataFrame:
    """One row per movie across Kaggle's and TMDB's movie rows: TMDB's when it has the movie."""
    union = deliveries[0]
    for frame in deliveries[1:]:
        union = union.unionByName(frame)
    return preferred_source_per_movie(union).select(*MOVIE_COLUMNS)


def genre_rows(exploded: DataFrame) -> DataFrame:
    """(movie_id, genre_id, genre_name, _loaded_at) from rows with a `genre` struct; one per name."""
    return (
        exploded.select(
            "movie_id",
            F.col("genre.id").alias("genre_id"),
            F.trim("genre.name").alias("genre_name"),
            "_loaded_at",
        )
        .where(F.col("genre_name").isNotNull() & (F.col("genre_name") != ""))
        .dropDuplicates(["movie_id", "genre_name"])
    )


def parsed_kaggle_genres(movies_raw: DataFrame, movies: DataFrame) -> DataFrame:
    """The Kaggle rows silver movies kept, with the genres literal parsed (`genre_list`, `genre_list_error`).

    Both the bridge and the quarantine read it (`movie_genres`): cache it to parse each list once.
    """
    from_kaggle = movies.where(F.col("source") == "kaggle").select("movie_id", "_loaded_at")
    latest = movies_raw.join(from_kaggle, ["movie_id", "_loaded_at"], "semi")
    return with_parsed_literal(latest, "genres", ID_NAME_LIST, "genre_list")


def movie_genres(parsed: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Explode the parsed genres (`parsed_kaggle_genres`) into the bridge; bad lists to quarantine."""
    bridge = genre_rows(parsed.select("movie_id", "_loaded_at", F.explode("genre_list").alias("genre")))
    rejected = quarantine_rows(
        parsed.where(F.col("genre_list_error").isNotNull()),
        source="kaggle",
        entity="movie_genres",
        key=F.col("movie_id"),
        raw_value=F.col("genres"),
        reason=F.concat(F.lit("genres: "), F.col("genre_list_error")),
    )
    return bridge, rejected


def _amount(column: str) -> Column:
    return to_double(F.col(column))


def _negative_money(typed: DataFrame, column: str) -> DataFrame:
    amount = _amount(column)
    return quarantine_rows(
        typed.where(F.col("movie_id").isNotNull() & (amount < 0)),
        source="kaggle",
        entity="movie_financials",
        key=F.col("movie_id"),
        raw_value=F.col(column),
        reason=F.lit(f"{column}: negative amount (kept as unknown)"),
    )


def unreadable_movie_values(typed: DataFrame, source: str = "kaggle") -> DataFrame:
    """Every delivered value of a movie row (`typed_movies`' columns) that could not be read."""
    with_id = typed.where(F.col("movie_id").isNotNull())
    movies = [
        Readable.of("imdb_id", F.col("imdb_id_clean"), "an IMDb id (tt + digits)"),
        Readable.of("release_date", F.col("release_date_read"), "a date (yyyy-MM-dd)"),
        Readable.of("runtime", F.col("runtime_minutes"), "a number of minutes"),
        Readable.of("popularity", F.col("popularity_value"), "a number"),
        Readable.of("vote_average", F.col("vote_average_value"), "a number"),
        Readable.of("vote_count", F.col("vote_count_value"), "a whole number"),
        Readable.of("original_language", language_code(F.col("original_language")), "an ISO 639-1 code"),
    ]
    money = [Readable.of(name, _amount(name), "an amount") for name in ("budget", "revenue")]
    key = F.col("movie_id")
    return unreadable_values(with_id, source=source, entity="movies", key=key, columns=movies).unionByName(
        unreadable_values(with_id, source=source, entity="movie_financials", key=key, columns=money)
    )


def movie_quarantine(typed: DataFrame) -> DataFrame:
    """Rows with no integer id (Kaggle's shifted-column rows), unparseable collections, negative
    budgets and revenues, release dates after the delivery, and any other value that could not be
    read (the movie stays, the value is null)."""
    bad_id = quarantine_rows(
        typed.where(F.col("movie_id").isNull()),
        source="kaggle",
        entity="movies",
        key=F.col("imdb_id"),
        raw_value=F.to_json(F.struct(*[F.col(c) for c in ("id", "imdb_id", "title", "release_date")])),
        reason=not_an_integer("id"),
    )
    bad_collection = quarantine_rows(
        typed.where(F.col("movie_id").isNotNull() & F.col("collection_error").isNotNull()),
        source="kaggle",
        entity="collections",
        key=F.col("movie_id"),
        raw_value=F.col("belongs_to_collection"),
        reason=F.concat(F.lit("belongs_to_collection: "), F.col("collection_error")),
    )
    future_release = quarantine_rows(
        typed.where(F.col("movie_id").isNotNull() & F.col("release_after_load")),
        source="kaggle",
        entity="movies",
        key=F.col("movie_id"),
        raw_value=F.col("release_date"),
        reason=F.concat(
            F.lit("release_date after the delivery was loaded, status "),
            F.coalesce(F.trim(F.col("status")), F.lit("<null>")),
            F.lit(" (kept as unknown)"),
        ),
    )
    rejected = [
        bad_id,
        bad_collection,
        future_release,
        *(_negative_money(typed, c) for c in ("budget", "revenue")),
        unreadable_movie_values(typed),
    ]
    return union_all(*rejected)
