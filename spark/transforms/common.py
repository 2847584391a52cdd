"""Helpers every transform shares: load timestamps, latest-load dedupe, quarantine rows."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

QUARANTINE_COLUMNS = (
    "layer", "source", "entity", "record_key", "raw_value", "reason", "_loaded_at",
)  # fmt: skip


def with_loaded_at(df: DataFrame) -> DataFrame:
    """`_loaded_at` (UTC timestamp) from dlt's `_dlt_load_id`, which is the load's unix time."""
    return df.withColumn("_loaded_at", F.timestamp_seconds(F.col("_dlt_load_id").cast("double")))


def latest_per_key(df: DataFrame, keys: Sequence[str], tie_breakers: Sequence[Column] = ()) -> DataFrame:
    """One row per key: the latest load wins; `tie_breakers` make ties inside one load stable."""
    order = [F.col("_loaded_at").desc(), *tie_breakers]
    window = Window.partitionBy(*keys).orderBy(*order)
    return df.withColumn("_rank", F.row_number().over(window)).where("_rank = 1").drop("_rank")


def quarantine_rows(
    df: DataFrame, *, source: str, entity: str, key: Column, raw_value: Column, reason: Column
) -> DataFrame:
    """Shape rejected rows as silver quarantine rows (layer `silver`)."""
    return df.select(
        F.lit("silver").alias("layer"),
        F.lit(source).alias("source"),
        F.lit(entity).alias("entity"),
        key.cast("string").alias("record_key"),
        raw_value.cast("string").alias("raw_value"),
        reason.alias("reason"),
        F.col("_loaded_at"),
    )


def raw_quarantine(df: DataFrame, source: str) -> DataFrame:
    """Rows extract/ already rejected (raw/<dataset>/quarantine), kept as layer `raw`."""
    return with_loaded_at(df).select(
        F.lit("raw").alias("layer"),
        F.lit(source).alias("source"),
        F.regexp_replace("source_file", r"\.csv$", "").alias("entity"),
        F.col("position").alias("record_key"),
        F.col("raw_value"),
        F.col("reason"),
        F.col("_loaded_at"),
    )
