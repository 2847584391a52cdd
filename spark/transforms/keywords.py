"""Keywords (Kaggle keywords.csv literals or TMDB JSON) -> silver movie_keywords.

Like credits: each source is shaped as *keyword lists* (one row per movie, source and load), one list
per movie is kept (TMDB before Kaggle, then the latest load) and only then exploded.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from spark.transforms.common import (
    clean_text,
    first_per_key,
    latest_per_key,
    not_an_integer,
    preferred_source_per_movie,
    quarantine_rows,
    to_bigint,
    with_loaded_at,
)
from spark.transforms.credits import NO_MOVIE
from spark.transforms.literals import with_parsed_literal
from spark.transforms.movies import ID_NAME_LIST

RAW_SCHEMA = StructType(
    [StructField(name, StringType()) for name in ("id", "keywords", "_source_file", "_dlt_load_id")]
)
KEYWORD_LIST_COLUMNS = ("movie_id", "source", "_loaded_at", "keywords")
KEYWORDS_COLUMNS = ("movie_id", "keyword_id", "keyword_name", "_loaded_at")


def parsed_kaggle_keywords(raw: DataFrame, movies: DataFrame) -> DataFrame:
    """Raw keywords rows with `movie_id` (null when not an integer), `_loaded_at` and the parsed list.

    Only the latest row of each movie silver holds is parsed; the others keep a null list.
    """
    typed = with_loaded_at(raw).withColumn("movie_id", to_bigint(F.trim("id")))
    valid = typed.where(F.col("movie_id").isNotNull())
    latest = latest_per_key(valid, ["movie_id"], [F.col("keywords").asc_nulls_last()])
    held = latest.join(movies.select("movie_id"), "movie_id", "semi")
    return with_parsed_literal(held, "keywords", ID_NAME_LIST, "keyword_list")


def kaggle_keyword_lists(parsed: DataFrame) -> DataFrame:
    """Parsed Kaggle keywords as keyword lists."""
    return parsed.select("movie_id", F.lit("kaggle").alias("source"), "_loaded_at",
                         F.col("keyword_list").alias("keywords"))  # fmt: skip


def kaggle_keyword_rejects(raw: DataFrame, movies: DataFrame, parsed: DataFrame) -> DataFrame:
    """Rows with no integer id, for a movie silver does not hold, or whose literal does not parse."""
    typed = with_loaded_at(raw).withColumn("movie_id", to_bigint(F.trim("id")))
    whole_row = F.to_json(F.struct("id", "keywords"))
    bad_id = typed.where(F.col("movie_id").isNull())
    orphans = latest_per_key(typed.where(F.col("movie_id").isNotNull()), ["movie_id"], [F.col("keywords")])
    orphans = orphans.join(movies.select("movie_id"), "movie_id", "anti")
    rejected = [
        (bad_id, F.col("id"), whole_row,
         not_an_integer("id")),
        (orphans, F.col("movie_id"), whole_row, F.lit(NO_MOVIE)),
        (parsed.where(F.col("keyword_list_error").isNotNull()), F.col("movie_id"), F.col("keywords"),
         F.concat(F.lit("keywords: "), F.col("keyword_list_error"))),
    ]  # fmt: skip
    frames = [
        quarantine_rows(
            rows, source="kaggle", entity="movie_keywords", key=key, raw_value=raw_value, reason=why
        )
        for rows, key, raw_value, why in rejected
    ]
    return frames[0].unionByName(frames[1]).unionByName(frames[2])


def movie_keywords(*lists: DataFrame) -> DataFrame:
    """One row per (movie, keyword_id) from each movie's preferred keyword list."""
    union = lists[0].select(*KEYWORD_LIST_COLUMNS)
    for frame in lists[1:]:
        union = union.unionByName(frame.select(*KEYWORD_LIST_COLUMNS))
    chosen = preferred_source_per_movie(union)
    entries = chosen.select("movie_id", "_loaded_at", F.explode("keywords").alias("keyword"))
    rows = entries.select(
        "movie_id",
        F.col("keyword.id").alias("keyword_id"),
        clean_text(F.col("keyword.name")).alias("keyword_name"),
        "_loaded_at",
    ).where(F.col("keyword_id").isNotNull())
    return first_per_key(rows, ["movie_id", "keyword_id"], [F.col("keyword_name")]).select(*KEYWORDS_COLUMNS)
