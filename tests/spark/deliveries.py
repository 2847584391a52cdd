"""Raw deliveries the silver tests share: two Kaggle films as movies_metadata rows, the first day's
raw loads, raw files written as dlt names them, and every silver table read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession

from lakehouse.catalog import CATALOG_NAME, NAMESPACE
from spark.lake import Lake
from tests.spark import raw_frames
from tests.spark.raw_frames import L1

TOY_STORY = {
    "id": "862", "imdb_id": "tt0114709", "title": "Toy Story", "status": "Released",
    "release_date": "1995-10-30", "runtime": "81.0", "budget": "30000000", "revenue": "373554033",
    "belongs_to_collection": "{'id': 10194, 'name': 'Toy Story Collection'}",
    "genres": "[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}]",
    "production_companies": "[{'name': 'Pixar Animation Studios', 'id': 3}]",
    "production_countries": "[{'iso_3166_1': 'US', 'name': 'United States of America'}]",
    "spoken_languages": "[{'iso_639_1': 'en', 'name': 'English'}]",
}  # fmt: skip
JUMANJI = {
    **TOY_STORY, "id": "8844", "imdb_id": "tt0113497", "title": "Jumanji", "release_date": "1995-12-15",
    "budget": "65000000", "revenue": "262797249", "belongs_to_collection": None,
    "genres": "[{'id': 12, 'name': 'Adventure'}]",
}  # fmt: skip
# Kaggle's shifted-column rows: no integer id. Each delivery repeats it, and each is quarantined.
SHIFTED = {"id": "1997-08-20", "imdb_id": "0", "title": None, "release_date": "1"}
CAST = "[{'cast_id': 1, 'character': 'Woody (voice)', 'credit_id': 'a', 'gender': 2, 'id': 31, 'name': 'Tom Hanks', 'order': 0}]"  # noqa: E501
CREW = "[{'credit_id': 'b', 'department': 'Directing', 'gender': 2, 'id': 7879, 'job': 'Director', 'name': 'John Lasseter'}]"  # noqa: E501


def write_raw(lake_dir: Path, dataset: str, table: str, frame: DataFrame) -> None:
    """One raw file per load, named as dlt names them: <load_id>.<file_id>.parquet."""
    folder = lake_dir / "raw" / dataset / table
    folder.mkdir(parents=True, exist_ok=True)
    rows = pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
    for load_id in sorted(set(rows.column("_dlt_load_id").to_pylist())):
        mask = pa.compute.equal(rows.column("_dlt_load_id"), load_id)
        pq.write_table(rows.filter(mask), folder / f"{load_id}.f00d{table[:4]}.parquet")


def write_first_day(spark: SparkSession, lake_dir: Path) -> None:
    first = [TOY_STORY, JUMANJI, SHIFTED]
    write_raw(lake_dir, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, first))
    write_raw(
        lake_dir,
        "kaggle",
        "links",
        raw_frames.links(spark, [("1", "0114709", "862", L1), ("2", "0113497", "8844", L1)]),
    )
    write_raw(
        lake_dir,
        "kaggle",
        "credits",
        raw_frames.credits(spark, [(CAST, CREW, "862", L1), ("[{'id': 1,", "[]", "8844", L1)]),
    )
    ratings = [(1, 1, 4.0, 100, L1), (1, 2, 3.0, 200, L1), (2, 1, 5.0, 300, L1), (3, 1, 9.0, 400, L1)]
    write_raw(lake_dir, "kaggle", "ratings", raw_frames.ratings(spark, ratings))
    cpi = [(date(1995, month, 1), 150.0 + month, L1) for month in range(1, 13)]
    write_raw(lake_dir, "fred", "cpiaucsl", raw_frames.cpi(spark, [*cpi, (date(2017, 7, 1), 244.0, L1)]))


def silver_tables(lake_dir: Path, spark: SparkSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every silver table of the lake's catalog at its current snapshot, rows sorted."""
    lake = Lake(spark, str(lake_dir))
    entities = [row["tableName"] for row in spark.sql(f"show tables in {CATALOG_NAME}.{NAMESPACE}").collect()]
    return {
        name: sorted((tuple(row) for row in lake.read_silver(name).collect()), key=repr)
        for name in sorted(entities)
    }
