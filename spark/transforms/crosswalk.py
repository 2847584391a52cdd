"""The identity crosswalk: one row per silver movie with its IMDb, MovieLens and YTS ids.

Evidence: silver movies (Kaggle imdb_id), TMDB external_ids, MovieLens links, OMDb and YTS IMDb codes.
The movie's IMDb id is TMDB's external id, else Kaggle's, else the one links.csv gives. MovieLens and
YTS ids attach through the TMDB id (links) and the IMDb id (YTS). Where evidence disagrees the
smallest candidate id is kept and the disagreement is counted, by kind, in movie_id_conflicts.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

MOVIE_IDS_COLUMNS = ("movie_id", "imdb_id", "movielens_movie_id", "yts_id", "in_omdb", "_loaded_at")
CONFLICT_COLUMNS = ("conflict", "id_value", "candidates", "candidate_count", "_loaded_at")
IMDB_PRIORITY = ("tmdb", "kaggle")


def _pairs(df: DataFrame, left: str, right: str) -> DataFrame:
    return df.select(
        F.col(left).cast("string").alias("left"), F.col(right).cast("string").alias("right"), "_loaded_at"
    ).where(F.col("left").isNotNull() & F.col("right").isNotNull())


def _conflicts(pairs: DataFrame, name: str) -> DataFrame:
    """Left values with more than one distinct right value, as new as the newest claim among them."""
    grouped = pairs.groupBy("left").agg(
        F.array_sort(F.collect_set("right")).alias("candidates"), F.max("_loaded_at").alias("_loaded_at")
    )
    return grouped.where(F.size("candidates") > 1).select(
        F.lit(name).alias("conflict"),
        F.col("left").alias("id_value"),
        "candidates",
        F.size("candidates").alias("candidate_count"),
        "_loaded_at",
    )


def _min_per(df: DataFrame, key: str, value: str, alias: str) -> DataFrame:
    return (
        df.where(F.col(key).isNotNull() & F.col(value).isNotNull())
        .groupBy(key)
        .agg(F.min(value).alias(alias))
    )


def movie_ids(
    movies: DataFrame, tmdb_imdb: DataFrame, links: DataFrame, omdb: DataFrame, yts: DataFrame
) -> tuple[DataFrame, DataFrame]:
    """(movie_ids, conflicts). Inputs, each with the `_loaded_at` of its rows: movies(movie_id,
    imdb_id), tmdb_imdb(movie_id, imdb_id), links(movielens_movie_id, imdb_id, tmdb_id),
    omdb(imdb_id), yts(yts_id, imdb_id)."""
    held = movies.select("movie_id", "_loaded_at")
    imdb_claims = (
        tmdb_imdb.select("movie_id", "imdb_id", F.lit(0).alias("rank"), "_loaded_at")
        .unionByName(movies.select("movie_id", "imdb_id", F.lit(1).alias("rank"), "_loaded_at"))
        .unionByName(
            links.select(F.col("tmdb_id").alias("movie_id"), "imdb_id", F.lit(2).alias("rank"), "_loaded_at")
        )
        .where(F.col("movie_id").isNotNull() & F.col("imdb_id").isNotNull())
        .join(held.select("movie_id"), "movie_id", "semi")
    )
    chosen_imdb = imdb_claims.groupBy("movie_id").agg(
        F.min(F.struct("rank", "imdb_id"))["imdb_id"].alias("imdb_id")
    )
    movielens = _min_per(
        links.join(held, links["tmdb_id"] == held["movie_id"], "semi").withColumnRenamed(
            "tmdb_id", "movie_id"
        ),
        "movie_id",
        "movielens_movie_id",
        "movielens_movie_id",
    )
    yts_ids = _min_per(yts, "imdb_id", "yts_id", "yts_id")
    omdb_ids = (
        omdb.select("imdb_id")
        .where(F.col("imdb_id").isNotNull())
        .distinct()
        .withColumn("in_omdb", F.lit(True))
    )
    crosswalk = (
        held.join(chosen_imdb, "movie_id", "left")
        .join(movielens, "movie_id", "left")
        .join(yts_ids, "imdb_id", "left")
        .join(omdb_ids, "imdb_id", "left")
        .join(_latest_evidence(tmdb_imdb, "movie_id", "tmdb_at"), "movie_id", "left")
        .join(
            _latest_evidence(links.withColumnRenamed("tmdb_id", "movie_id"), "movie_id", "links_at"),
            "movie_id",
            "left",
        )
        .join(_latest_evidence(yts, "imdb_id", "yts_at"), "imdb_id", "left")
        .join(_latest_evidence(omdb, "imdb_id", "omdb_at"), "imdb_id", "left")
        .select(
            "movie_id",
            "imdb_id",
            "movielens_movie_id",
            "yts_id",
            F.coalesce(F.col("in_omdb"), F.lit(False)).alias("in_omdb"),
            # The row changes when any of its evidence does: it is as new as the newest of it, so
            # an incremental reader (dim_movies) sees a link, a YTS id or an OMDb arrival that came
            # after the movie's own row.
            F.greatest("_loaded_at", "tmdb_at", "links_at", "yts_at", "omdb_at").alias("_loaded_at"),
        )
    )
    conflicts = (
        _conflicts(_pairs(imdb_claims, "movie_id", "imdb_id"), "movie_id -> several imdb_id")
        .unionByName(_conflicts(_pairs(imdb_claims, "imdb_id", "movie_id"), "imdb_id -> several movie_id"))
        .unionByName(
            _conflicts(
                _pairs(links, "tmdb_id", "movielens_movie_id"), "movie_id -> several movielens_movie_id"
            )
        )
        .unionByName(_conflicts(_pairs(yts, "imdb_id", "yts_id"), "imdb_id -> several yts_id"))
    )
    return crosswalk.select(*MOVIE_IDS_COLUMNS), conflicts.select(*CONFLICT_COLUMNS)


def _latest_evidence(evidence: DataFrame, key: str, alias: str) -> DataFrame:
    """The newest `_loaded_at` of the evidence rows per `key` (named `alias`)."""
    return evidence.where(F.col(key).isNotNull()).groupBy(key).agg(F.max("_loaded_at").alias(alias))


def _distinct_unmatched(ids: DataFrame, column: str, matched: DataFrame) -> DataFrame:
    known = matched.select(column).where(F.col(column).isNotNull())
    return ids.select(column).where(F.col(column).isNotNull()).distinct().join(known, column, "anti")


def unmatched_frames(
    movie_ids_rows: DataFrame, links: DataFrame, omdb: DataFrame, yts: DataFrame
) -> dict[str, DataFrame]:
    """Ids some source holds that reach no silver movie (and movies no IMDb id reaches), by kind."""
    return {
        "movies without imdb_id": movie_ids_rows.where(F.col("imdb_id").isNull()).select("movie_id"),
        "movielens ids without a movie": _distinct_unmatched(links, "movielens_movie_id", movie_ids_rows),
        "omdb imdb ids without a movie": _distinct_unmatched(omdb, "imdb_id", movie_ids_rows),
        "yts ids without a movie": _distinct_unmatched(yts, "yts_id", movie_ids_rows),
    }
