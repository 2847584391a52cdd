"""Per-movie raw tables delivered whole again and again, reduced to the loads that changed a movie.

Kaggle's files arrive as full snapshots, and TMDB answers are fetched again: most of a new load
repeats what an earlier one said about the same movie. `change_points` keeps, for each movie, only
the loads whose rows for it differ from its previous load's, so a movie's latest row carries the
load that first said what it says now (`_loaded_at` moves only when the movie changed). Silver
therefore gives an unchanged movie the same rows whether it is built from every load or merged
day by day (spark.jobs.changes), and dbt's incremental models see only the movies that changed.

Rows whose id is not a movie id are kept from every load: each is its own reject.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from spark.transforms.common import to_bigint

DLT_COLUMNS = ("_dlt_load_id", "_dlt_id")  # differ between loads of the same content
MOVIE = "_movie"
VERSION = "_version"


def raw_movie_id(raw: DataFrame) -> Column:
    """The movie a per-movie raw row is about: its `id` as a whole number (null when it is not one)."""
    return to_bigint(F.trim(raw["id"].cast("string")))


def with_movie_key(raw: DataFrame) -> DataFrame:
    """`raw` with its movie id as column `_movie` (see raw_movie_id)."""
    return raw.withColumn(MOVIE, raw_movie_id(raw))


def change_points(raw: DataFrame) -> DataFrame:
    """The rows of the loads that changed each movie (see the module docstring), `raw`'s columns."""
    content = sorted(name for name in raw.columns if name not in DLT_COLUMNS)
    keyed = with_movie_key(raw).withColumn(VERSION, F.xxhash64(F.to_json(F.struct(*content))))
    per_load = keyed.where(F.col(MOVIE).isNotNull()).groupBy(MOVIE, "_dlt_load_id")
    versions = per_load.agg(F.sort_array(F.collect_list(VERSION)).alias(VERSION))
    order = Window.partitionBy(MOVIE).orderBy(F.col("_dlt_load_id").cast("double"))
    changed = (
        versions.withColumn("_previous", F.lag(VERSION).over(order))
        .where(F.col("_previous").isNull() | (F.col("_previous") != F.col(VERSION)))
        .select(MOVIE, "_dlt_load_id")
    )
    kept = keyed.join(changed, [MOVIE, "_dlt_load_id"], "semi")
    return kept.unionByName(keyed.where(F.col(MOVIE).isNull())).drop(MOVIE, VERSION)
