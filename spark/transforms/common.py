"""Helpers every transform shares: load timestamps, latest-load dedupe, quarantine rows."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from lakehouse.imdb import IMDB_ID

QUARANTINE_COLUMNS = (
    "layer", "source", "entity", "record_key", "raw_value", "reason", "movie_id", "_loaded_at",
)  # fmt: skip


def union_all(*frames: DataFrame) -> DataFrame:
    """The rows of every frame, matched by column name (at least one frame)."""
    return reduce(DataFrame.unionByName, frames)


def with_loaded_at(df: DataFrame) -> DataFrame:
    """`_loaded_at` (UTC timestamp) from dlt's `_dlt_load_id`, which is the load's unix time."""
    return df.withColumn("_loaded_at", F.timestamp_seconds(F.col("_dlt_load_id").cast("double")))


def latest_per_key(df: DataFrame, keys: Sequence[str], tie_breakers: Sequence[Column] = ()) -> DataFrame:
    """One row per key: the latest load wins; `tie_breakers` make ties inside one load stable."""
    order = [F.col("_loaded_at").desc(), *tie_breakers]
    window = Window.partitionBy(*keys).orderBy(*order)
    return df.withColumn("_rank", F.row_number().over(window)).where("_rank = 1").drop("_rank")


def quarantine_rows(
    df: DataFrame,
    *,
    source: str | Column,
    entity: str | Column,
    key: Column,
    raw_value: Column,
    reason: Column,
    layer: str = "silver",
) -> DataFrame:
    """Shape rejected rows as quarantine rows (QUARANTINE_COLUMNS).

    `movie_id` is the movie the rejected value belongs to: the frame's own `movie_id` when it has
    one (null for a row whose id is not a movie id), else null (ratings, OMDb, YTS, raw rejects).
    Silver rebuilds a changed movie's rows by that column (spark.jobs.changes).
    """
    movie = F.col("movie_id") if "movie_id" in df.columns else F.lit(None)
    return df.select(
        F.lit(layer).alias("layer"),
        (F.lit(source) if isinstance(source, str) else source).alias("source"),
        (F.lit(entity) if isinstance(entity, str) else entity).alias("entity"),
        key.cast("string").alias("record_key"),
        raw_value.cast("string").alias("raw_value"),
        reason.cast("string").alias("reason"),
        movie.cast("bigint").alias("movie_id"),
        F.col("_loaded_at"),
    )


def not_an_integer(column: str) -> Column:
    """The reason a row's id cannot key it: `<column> is not an integer: <its text>`."""
    return F.concat(F.lit(f"{column} is not an integer: "), F.coalesce(F.col(column), F.lit("<null>")))


def raw_quarantine(df: DataFrame, source: str) -> DataFrame:
    """Rows extract/ already rejected (raw/<dataset>/quarantine), kept as layer `raw`."""
    return quarantine_rows(
        with_loaded_at(df),
        layer="raw",
        source=source,
        entity=F.regexp_replace("source_file", r"\.csv$", ""),
        key=F.col("position"),
        raw_value=F.col("raw_value"),
        reason=F.col("reason"),
    )


def clean_text(value: Column) -> Column:
    """Trimmed text with inner whitespace runs collapsed; blank as null."""
    cleaned = F.regexp_replace(F.trim(value), r"\s+", " ")
    return F.when(cleaned != "", cleaned)


def natural_key(source_id: Column, name: Column) -> Column:
    """`tmdb:<id>` when the source gives a TMDB id, else `name:<cleaned name>`; null when both are missing.

    The Kaggle sample has names but no TMDB ids for people and companies, so a key must work without
    an id; the prefix keeps an id-keyed and a name-keyed entity from ever colliding.
    """
    by_name = clean_text(name)
    return F.when(source_id.isNotNull(), F.concat(F.lit("tmdb:"), source_id.cast("string"))).when(
        by_name.isNotNull(), F.concat(F.lit("name:"), by_name)
    )


def first_per_key(df: DataFrame, keys: Sequence[str], order: Sequence[Column]) -> DataFrame:
    """One row per key: the first in `order` (which should be total so the choice is stable)."""
    window = Window.partitionBy(*keys).orderBy(*order)
    return df.withColumn("_rank", F.row_number().over(window)).where("_rank = 1").drop("_rank")


SOURCE_PRIORITY = ("tmdb", "kaggle")


def preferred_source_per_movie(df: DataFrame) -> DataFrame:
    """One row per movie_id: TMDB before Kaggle when both have the movie, then the latest load."""
    priority = F.when(F.col("source") == SOURCE_PRIORITY[0], 0).otherwise(1)
    return first_per_key(df, ["movie_id"], [priority, F.col("_loaded_at").desc()])


def with_text_columns(df: DataFrame, names: Sequence[str]) -> DataFrame:
    """Every named column present: missing ones (dlt drops all-null columns) are added as null text."""
    missing = [name for name in names if name not in df.columns]
    return df.select("*", *[F.lit(None).cast("string").alias(name) for name in missing])


def not_available(value: Column) -> Column:
    """OMDb/TMDB/YTS text with blanks and OMDb's "N/A" as null."""
    text = F.trim(value.cast("string"))
    return F.when((text != "") & (F.upper(text) != "N/A"), text)


def to_double(value: Column) -> Column:
    """A number from text or any numeric type; null when it is not one."""
    return value.cast("string").try_cast("double")


def to_bigint(value: Column) -> Column:
    """A whole number from text or any numeric type ("12", 12, "12.0"); null when it is not one."""
    number = value.cast("string").try_cast("double")
    return F.when(number == F.floor(number), number.try_cast("bigint"))


def language_code(value: Column) -> Column:
    """An ISO 639-1 code (two letters, lower case; TMDB's `xx` is "no language"), else null."""
    text = F.lower(F.trim(value.cast("string")))
    return F.when(text.rlike("^[a-z]{2}$"), text)


def country_code(value: Column) -> Column:
    """An ISO 3166-1 alpha-2 code (two letters, upper case), else null."""
    text = F.upper(F.trim(value.cast("string")))
    return F.when(text.rlike("^[A-Z]{2}$"), text)


def imdb_id(value: Column) -> Column:
    """`tt` + 7 or more digits, else null."""
    text = F.lower(F.trim(value.cast("string")))
    return F.when(text.rlike(f"^{IMDB_ID.pattern}$"), text)


def json_rejects(df: DataFrame, *, source: str, entity: str, key: Column, raw: str, parsed: str) -> DataFrame:
    """Rows whose `raw` JSON text is present but is not JSON of the shape `parsed` was read as.

    `from_json` gives null for a malformed array but a struct of nulls for a malformed object, so
    the shape is checked on the text itself (an object has keys, an array has a length).
    """
    text = not_available(F.col(raw))
    present = F.coalesce(F.lower(text) != "null", F.lit(False))
    if isinstance(df.schema[parsed].dataType, StructType):
        well_formed = F.json_object_keys(text).isNotNull()
    else:
        well_formed = F.json_array_length(text).isNotNull()
    return quarantine_rows(
        df.where(present & ~well_formed),
        source=source,
        entity=entity,
        key=key,
        raw_value=F.col(raw),
        reason=F.lit(f"{raw}: not JSON of the expected shape"),
    )
