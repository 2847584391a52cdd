"""Lake: raw/ reads every load; silver/ entities are replaced whole by write-then-swap."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType

from spark.lake import STAGING_DIR, Lake, spark_lake_url

EMPTY_SCHEMA = StructType(
    [StructField("source_file", StringType()), StructField("_dlt_load_id", StringType())]
)


def _visible(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.slow
def test_publish_replaces_the_whole_entity(spark: SparkSession, tmp_path: Path) -> None:
    lake = Lake(spark, str(tmp_path / "lake"))
    first = spark.createDataFrame([(i, f"first-{i}") for i in range(5)], "movie_id bigint, t string")
    second = spark.createDataFrame([(100, "second"), (101, "second")], "movie_id bigint, t string")

    lake.publish_silver(first, "movies")
    assert lake.read_silver("movies").count() == 5

    lake.publish_silver(second, "movies")
    rows = lake.read_silver("movies").collect()

    assert sorted((row["movie_id"], row["t"]) for row in rows) == [
        (100, "second"),
        (101, "second"),
    ]


@pytest.mark.slow
def test_publish_leaves_only_the_entity_and_an_empty_staging_folder(
    spark: SparkSession, tmp_path: Path
) -> None:
    root = tmp_path / "lake"
    lake = Lake(spark, str(root))
    frame = spark.createDataFrame([(1,), (2,)], "movie_id bigint")

    lake.publish_silver(frame, "movies")
    lake.publish_silver(frame, "movies")

    assert _visible(root / "silver") == [STAGING_DIR, "movies"]
    assert _visible(root / "silver" / STAGING_DIR) == []
    assert any(name.endswith(".parquet") for name in _visible(root / "silver" / "movies"))


@pytest.mark.slow
def test_publish_partitioned_entity(spark: SparkSession, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    lake = Lake(spark, str(root))
    frame = spark.createDataFrame([(1, 1995), (2, 1995), (3, 2017)], "movie_id bigint, year int")

    lake.publish_silver(frame, "movies", partition_by=("year",))

    assert [name for name in _visible(root / "silver" / "movies") if "=" in name] == [
        "year=1995",
        "year=2017",
    ]
    assert lake.read_silver("movies").where("year = 1995").count() == 2


@pytest.mark.slow
def test_read_raw_reads_every_load(spark: SparkSession, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    table = root / "raw" / "kaggle" / "ratings"
    table.mkdir(parents=True)
    for load_id, users in (("1700000000.5", [1, 2]), ("1700086400.0", [3])):
        pq.write_table(
            pa.table(
                {
                    "user_id": pa.array(users, pa.int64()),
                    "_dlt_load_id": [load_id] * len(users),
                }
            ),
            table / f"{load_id}.abc123.parquet",
        )

    raw = Lake(spark, str(root)).read_raw("kaggle", "ratings")

    assert sorted(row["user_id"] for row in raw.collect()) == [1, 2, 3]
    assert raw.schema["user_id"].dataType == LongType()


def _raw_loads(root: Path, loads: dict[str, list[int]]) -> None:
    table = root / "raw" / "kaggle" / "ratings"
    table.mkdir(parents=True)
    for load_id, users in loads.items():
        pq.write_table(
            pa.table({"user_id": pa.array(users, pa.int64()), "_dlt_load_id": [load_id] * len(users)}),
            table / f"{load_id}.abc123.parquet",
        )


@pytest.mark.slow
def test_raw_load_ids_come_from_the_file_names_in_load_order(spark: SparkSession, tmp_path: Path) -> None:
    # "999..." sorts after "1700..." as text: the order must be by time.
    _raw_loads(tmp_path, {"999999999.5": [1], "1700086400.0": [3], "1700000000.5": [2]})
    lake = Lake(spark, str(tmp_path))

    assert lake.raw_load_ids("kaggle", "ratings") == ["999999999.5", "1700000000.5", "1700086400.0"]
    assert lake.raw_load_ids("kaggle", "links") == []
    chosen = lake.read_raw_loads("kaggle", "ratings", {"1700086400.0", "999999999.5"})
    assert sorted(row["user_id"] for row in chosen.collect()) == [1, 3]
    with pytest.raises(FileNotFoundError, match="has no files of loads"):
        lake.read_raw_loads("kaggle", "ratings", {"1600000000.0"})


@pytest.mark.slow
def test_publish_keeping_the_live_rows_adds_to_them_with_the_manifest(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = Lake(spark, str(tmp_path))
    lake.publish_silver(spark.createDataFrame([(1,), (2,)], "movie_id bigint"), "movies", manifest={"n": 1})
    assert lake.read_manifest("movies") == {"n": 1}

    lake.publish_silver(
        spark.createDataFrame([(3,)], "movie_id bigint"), "movies", manifest={"n": 2}, keep_live=True
    )

    assert sorted(row["movie_id"] for row in lake.read_silver("movies").collect()) == [1, 2, 3]
    assert lake.read_manifest("movies") == {"n": 2}
    lake.publish_silver(spark.createDataFrame([(4,)], "movie_id bigint"), "movies")
    assert lake.read_manifest("movies") is None  # a whole publish without one drops the old one
    with pytest.raises(ValueError, match="flat entity"):
        lake.publish_silver(lake.read_silver("movies"), "movies", ("movie_id",), keep_live=True)


@pytest.mark.slow
def test_silver_rows_are_counted_by_the_publish_and_read_after_an_append(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = Lake(spark, str(tmp_path))
    rows = spark.range(0, 1000, numPartitions=3).selectExpr("id as movie_id", "id % 7 as t")

    assert lake.publish_silver(rows.where("t < 3"), "movies") == 429  # 0, 1, 2 of every 7 ids
    assert lake.silver_rows("movies") == 429
    assert lake.publish_silver(rows.where("t = 6"), "movies", keep_live=True) == 142
    assert lake.silver_rows("movies") == 571  # the live 429 and the 142 added, counted from the files
    assert lake.publish_silver(rows.limit(0), "movies") == 0
    assert lake.silver_rows("movies") == lake.read_silver("movies").count() == 0
    assert Lake(spark, str(tmp_path)).silver_rows("movies") == 0  # a new Lake counts what is there


@pytest.mark.slow
def test_read_raw_of_a_missing_table_is_an_error(spark: SparkSession, tmp_path: Path) -> None:
    lake = Lake(spark, str(tmp_path / "lake"))

    with pytest.raises(FileNotFoundError, match=r"raw table kaggle\.quarantine not found"):
        lake.read_raw("kaggle", "quarantine")


@pytest.mark.slow
def test_read_raw_of_a_missing_table_with_a_schema_is_empty(spark: SparkSession, tmp_path: Path) -> None:
    lake = Lake(spark, str(tmp_path / "lake"))

    frame = lake.read_raw("fred", "quarantine", EMPTY_SCHEMA)

    assert frame.count() == 0
    assert frame.schema == EMPTY_SCHEMA
    # No partitions: a job reading it runs no Python task (a parallelised empty list runs one per core).
    assert frame._jdf.rdd().getNumPartitions() == 0


@pytest.mark.parametrize(
    ("lake_url", "expected"),
    [
        ("s3://bucket/prefix/", "s3a://bucket/prefix"),
        ("s3a://bucket/lake", "s3a://bucket/lake"),
        ("file:///data/lake/", "file:///data/lake"),
    ],
)
def test_spark_lake_url(lake_url: str, expected: str) -> None:
    assert spark_lake_url(lake_url) == expected


def test_spark_lake_url_of_a_local_folder_is_absolute(tmp_path: Path) -> None:
    assert spark_lake_url(str(tmp_path / "lake")) == (tmp_path / "lake").as_uri()


def _movie_ids(lake: Lake) -> list[int]:
    return sorted(row["movie_id"] for row in lake.read_silver("movies").collect())


@pytest.mark.slow
def test_a_publish_killed_between_its_renames_is_put_back(spark: SparkSession, tmp_path: Path) -> None:
    root = tmp_path / "lake"
    lake = Lake(spark, str(root))
    lake.publish_silver(spark.createDataFrame([(1,), (2,)], "movie_id bigint"), "movies")
    lake.publish_silver(spark.createDataFrame([(7,)], "movie_id bigint"), "cpi_monthly")
    # The state a kill between publish's two renames leaves: live movies retired, the new copy staged.
    staging = root / "silver" / STAGING_DIR
    (root / "silver" / "movies").rename(staging / "movies-0123abcd-retired")
    shutil.copytree(root / "silver" / "cpi_monthly", staging / "movies-4567ef01")

    assert lake.recover_interrupted_publishes() == ["movies"]

    assert _movie_ids(lake) == [1, 2]
    assert _visible(staging) == []
    assert lake.read_silver("cpi_monthly").count() == 1  # untouched
    assert lake.recover_interrupted_publishes() == []  # nothing left to do


PUBLISH_A_LOT = """
import sys
from spark.lake import Lake
from spark.session import get_spark

spark = get_spark("killed-publish", {"spark.sql.shuffle.partitions": "1"})
frame = spark.range(0, 200_000_000, numPartitions=400).selectExpr("id as movie_id")
Lake(spark, sys.argv[1]).publish_silver(frame, "movies")
"""


@pytest.mark.slow
def test_a_job_killed_mid_write_leaves_the_previous_silver_readable(
    spark: SparkSession, tmp_path: Path
) -> None:
    root = tmp_path / "lake"
    lake = Lake(spark, str(root))
    lake.publish_silver(spark.createDataFrame([(1,), (2,), (3,)], "movie_id bigint"), "movies")
    staging = root / "silver" / STAGING_DIR
    job = subprocess.Popen([sys.executable, "-c", PUBLISH_A_LOT, str(root)], start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        # Kill once the job has written part of its staged copy (some part files, not all 400).
        while not list(staging.glob("movies-*/**/part-*")):
            assert job.poll() is None, "the job ended before it was killed"
            assert time.monotonic() < deadline, "the job never started writing"
            time.sleep(0.2)
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()

    assert job.returncode == -signal.SIGKILL
    assert list(staging.glob("movies-*")), "the kill left a partial staged copy"
    assert _movie_ids(lake) == [1, 2, 3]  # the previous output, whole and readable
    assert lake.recover_interrupted_publishes() == []
    assert _visible(staging) == []
    lake.publish_silver(spark.createDataFrame([(4,)], "movie_id bigint"), "movies")
    assert _movie_ids(lake) == [4]  # the rerun replaces it whole
