"""FRED CPIAUCSL -> silver cpi_monthly, and movie money adjusted to a base month's dollars.

adjusted = nominal x CPI(base month) / CPI(release month). When the release month has no CPI
(before the series starts in 1947-01, or a gap), the CPI, factor and adjusted values are null and
the nominal values stay: an unadjustable amount is never guessed.
"""

from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark.transforms.common import latest_per_key, with_loaded_at


def silver_cpi_monthly(raw_cpi: DataFrame) -> DataFrame:
    """One row per month (first day) with its CPI; non-positive values are dropped as impossible."""
    typed = with_loaded_at(raw_cpi).select(
        F.trunc("observation_date", "month").alias("month"),
        F.col("cpiaucsl").alias("cpi"),
        "_loaded_at",
    )
    return latest_per_key(typed.where(F.col("cpi") > 0), ["month"])


def base_month(cpi: DataFrame, requested: date | None = None) -> date:
    """The base month: `requested` if the series has it, else the latest month in the data."""
    months = cpi.select("month")
    if requested is not None:
        wanted = requested.replace(day=1)
        if months.where(F.col("month") == F.lit(wanted)).limit(1).count() == 0:
            raise ValueError(f"base month {wanted:%Y-%m} is not in the CPI series")
        return wanted
    latest = months.agg(F.max("month")).first()
    if latest is None or latest[0] is None:
        raise ValueError("the CPI series is empty: cannot adjust for inflation")
    return latest[0]


def movie_financials(movies: DataFrame, cpi: DataFrame, base: date) -> DataFrame:
    """Movies with a known budget or revenue, nominal and in `base`-month dollars side by side."""
    cpi_base = cpi.where(F.col("month") == F.lit(base)).select(F.col("cpi").alias("cpi_base"))
    release_cpi = cpi.select(F.col("month").alias("release_month"), F.col("cpi").alias("cpi_release"))
    with_money = movies.where(
        F.col("budget_nominal").isNotNull() | F.col("revenue_nominal").isNotNull()
    ).withColumn("release_month", F.trunc("release_date", "month"))
    factor = F.col("cpi_base") / F.col("cpi_release")
    return (
        with_money.join(release_cpi, "release_month", "left")
        .crossJoin(F.broadcast(cpi_base))
        .select(
            "movie_id",
            "release_date",
            "release_month",
            "budget_nominal",
            "revenue_nominal",
            "cpi_release",
            "cpi_base",
            F.lit(base).alias("base_month"),
            factor.alias("inflation_factor"),
            (F.col("budget_nominal") * factor).alias("budget_adjusted"),
            (F.col("revenue_nominal") * factor).alias("revenue_adjusted"),
            "_loaded_at",
        )
    )
