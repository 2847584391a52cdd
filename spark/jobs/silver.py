"""Build every silver entity from raw/: `python -m spark.jobs.silver --lake data/lake`.

Runs unchanged under `spark-submit --master <cluster> spark/jobs/silver.py`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import StringType, StructField, StructType

from spark.lake import Lake
from spark.session import get_spark
from spark.transforms import common, inflation, movies, ratings

RAW_QUARANTINE_SCHEMA = StructType(
    [
        StructField(name, StringType())
        for name in ("source_file", "position", "raw_value", "reason", "_dlt_load_id")
    ]
)


@dataclass
class SilverSummary:
    """Rows published per silver entity, quarantined rows by reason, and the CPI base month."""

    base_month: str
    rows: dict[str, int] = field(default_factory=dict)
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)


def build_silver(spark: SparkSession, lake_url: str, requested_base: date | None = None) -> SilverSummary:
    """Read raw/, build and publish all silver entities, and count what each holds."""
    lake = Lake(spark, lake_url)
    typed_movies = movies.typed_movies(lake.read_raw("kaggle", "movies_metadata")).cache()
    movie_rows = movies.silver_movies(typed_movies).cache()
    genres, genre_rejects = movies.movie_genres(typed_movies, movie_rows)
    links = ratings.silver_movie_links(lake.read_raw("kaggle", "links")).cache()
    rating_rows, rating_rejects = ratings.silver_ratings(
        lake.read_raw("kaggle", "ratings"), links, movie_rows
    )
    cpi = inflation.silver_cpi_monthly(lake.read_raw("fred", "cpiaucsl")).cache()
    base = inflation.base_month(cpi, requested_base)
    quarantine = (
        movies.movie_quarantine(typed_movies)
        .unionByName(genre_rejects)
        .unionByName(rating_rejects)
        .unionByName(_raw_quarantine(lake))
    )
    entities: dict[str, DataFrame] = {
        "movies": movie_rows.drop("budget_nominal", "revenue_nominal"),
        "movie_genres": genres,
        "movie_links": links,
        "ratings": rating_rows,
        "cpi_monthly": cpi,
        "movie_financials": inflation.movie_financials(movie_rows, cpi, base),
        "quarantine": quarantine,
    }
    summary = SilverSummary(base_month=base.isoformat())
    for entity, frame in entities.items():
        lake.publish_silver(frame.coalesce(4), entity)
        summary.rows[entity] = lake.read_silver(entity).count()
    summary.quarantined_by_reason = _count_reasons(lake.read_silver("quarantine"))
    return summary


def _raw_quarantine(lake: Lake) -> DataFrame:
    frames = [
        common.raw_quarantine(lake.read_raw(dataset, "quarantine", RAW_QUARANTINE_SCHEMA), dataset)
        for dataset in ("kaggle", "fred")
    ]
    return frames[0].unionByName(frames[1])


def _count_reasons(quarantine: DataFrame) -> dict[str, int]:
    rows = quarantine.groupBy("layer", "entity", "reason").count().collect()
    return {f"{row['layer']}/{row['entity']}: {row['reason']}": int(row["count"]) for row in rows}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build silver, print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lake", default="data/lake", help="lake root: a folder or s3://bucket/prefix")
    parser.add_argument(
        "--base-month", type=date.fromisoformat, default=None, help="CPI base month, YYYY-MM-01"
    )
    args = parser.parse_args(argv)
    spark = get_spark("silver")
    try:
        summary = build_silver(spark, args.lake, args.base_month)
    finally:
        spark.stop()
    print(json.dumps(asdict(summary), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
