"""Lake: raw/ reads every load; silver entities are Iceberg tables, each write one commit."""

from __future__ import annotations

import signal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType

from lakehouse.catalog import lake_root_url
from spark.lake import Lake
from tests.spark.killed_write import kill_mid_write

EMPTY_SCHEMA = StructType(
    [StructField("source_file", StringType()), StructField("_dlt_load_id", StringType())]
)


def _snapshots(lake: Lake, entity: str) -> int:
    return lake.spark.table(f"{lake.table(entity)}.snapshots").count()


@pytest.mark.slow
def test_replace_swaps_the_rows_in_one_commit_and_records_its_properties(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = Lake(spark, str(tmp_path / "lake"))
    first = spark.createDataFrame([(i, f"first-{i}") for i in range(5)], "movie_id bigint, t string")
    second = spark.createDataFrame([(100, "second"), (101, "second")], "movie_id bigint, t string")

    assert lake.replace(first, "movies", {"inputs": {"raw": {"kaggle/x": ["1.5", 1]}}}) == 5
    assert lake.replace(second, "movies", {"inputs": {"raw": {"kaggle/x": ["2.5", 2]}}}) == 2

    rows = lake.read_silver("movies").collect()
    assert sorted((row["movie_id"], row["t"]) for row in rows) == [(100, "second"), (101, "second")]
    assert _snapshots(lake, "movies") == 2  # the first snapshot is still there to read as of
    assert lake.recorded("movies", "inputs") == {"raw": {"kaggle/x": ["2.5", 2]}}
    assert lake.recorded("movies", "absent") is None
    assert spark.conf.get("spark.sql.iceberg.snapshot-property.movies.inputs", None) is None
    properties = dict(spark.sql(f"show tblproperties {lake.table('movies')}").collect())
    assert properties["format-version"] == "2"
    assert properties["write.merge.mode"] == "merge-on-read"
    # The table's files sit under the lake: silver/<entity>/{data,metadata}.
    assert sorted(path.name for path in (tmp_path / "lake" / "silver" / "movies").iterdir()) == [
        "data",
        "metadata",
    ]


@pytest.mark.slow
def test_merge_inserts_new_keys_and_replaces_older_rows_in_place(spark: SparkSession, tmp_path: Path) -> None:
    lake = Lake(spark, str(tmp_path))
    schema = "user_id bigint, movie_id bigint, rating double, _loaded_at int"
    lake.replace(spark.createDataFrame([(1, 10, 4.0, 1), (1, 11, 3.0, 1), (2, 10, 5.0, 3)], schema), "r", {})
    data_files = {row[0] for row in spark.sql(f"select file_path from {lake.table('r')}.files").collect()}
    # (1, 10) is re-rated by a newer load; (2, 10) by an older one (it keeps its row); (3, 12) is new.
    delta = spark.createDataFrame([(1, 10, 1.0, 2), (2, 10, 0.5, 2), (3, 12, 2.0, 2)], schema)

    assert lake.merge(delta, "r", ["user_id", "movie_id"], "_loaded_at", {"loads": ["2", 2]}) == 4

    rows = sorted(tuple(row) for row in lake.read_silver("r").collect())
    assert rows == [(1, 10, 1.0, 2), (1, 11, 3.0, 1), (2, 10, 5.0, 3), (3, 12, 2.0, 2)]
    assert lake.recorded("r", "loads") == ["2", 2]
    files = spark.sql(f"select content, file_path from {lake.table('r')}.files").collect()
    # Merge-on-read: the first data files stay; one delete file and the new rows' file are added.
    assert data_files <= {row["file_path"] for row in files}
    assert sorted(row["content"] for row in files if row["file_path"] not in data_files) == [0, 1]


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
def test_a_raw_column_typed_in_older_loads_and_text_in_newer_ones_reads_as_text(
    spark: SparkSession, tmp_path: Path
) -> None:
    # Loads from before every API column landed as text (extract/rest/tables.py) hold TMDB's runtime
    # as bigint; later loads hold it as text, and the newest adds a field.
    table = tmp_path / "raw" / "tmdb" / "movies"
    table.mkdir(parents=True)
    loads = {
        "1700000000.5": {"runtime": pa.array([87, 90], pa.int64())},
        "1700086400.0": {"runtime": pa.array(["ninety"])},
        "1700172800.0": {"runtime": pa.array(["81"]), "age_rating": pa.array(["12"])},
    }
    for load_id, columns in loads.items():
        load = [load_id] * len(columns["runtime"])
        pq.write_table(pa.table({**columns, "_dlt_load_id": load}), table / f"{load_id}.abc.parquet")
    lake = Lake(spark, str(tmp_path))

    raw = lake.read_raw("tmdb", "movies")
    chosen = lake.read_raw_loads("tmdb", "movies", {"1700000000.5", "1700172800.0"})

    assert sorted((row["runtime"], row["age_rating"]) for row in raw.collect()) == [
        ("81", "12"), ("87", None), ("90", None), ("ninety", None)
    ]  # fmt: skip
    assert raw.schema["runtime"].dataType == StringType()
    assert sorted(row["runtime"] for row in chosen.collect()) == ["81", "87", "90"]


@pytest.mark.slow
def test_silver_rows_come_from_the_current_snapshot(spark: SparkSession, tmp_path: Path) -> None:
    lake = Lake(spark, str(tmp_path))
    rows = spark.range(0, 1000, numPartitions=3).selectExpr("id as movie_id", "id % 7 as t", "0 as v")

    assert lake.silver_rows("movies") == 0  # no table yet
    assert lake.replace(rows.where("t < 3"), "movies", {}) == 429  # 0, 1, 2 of every 7 ids
    changed = rows.where("t = 0 or t = 6").selectExpr("movie_id", "t", "1 as v")
    assert lake.merge(changed, "movies", ["movie_id"], "v", {}) == 571  # 143 replaced, 142 added
    assert lake.read_silver("movies").count() == 571
    assert lake.read_silver("movies").where("v = 1").count() == 285
    assert lake.replace(rows.limit(0), "movies", {}) == 0
    assert Lake(spark, str(tmp_path)).silver_rows("movies") == lake.read_silver("movies").count() == 0


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
def test_lake_root_url(lake_url: str, expected: str) -> None:
    assert lake_root_url(lake_url) == expected


def test_lake_root_url_of_a_local_folder_is_absolute(tmp_path: Path) -> None:
    assert lake_root_url(str(tmp_path / "lake")) == (tmp_path / "lake").as_uri()


def _movie_ids(lake: Lake) -> list[int]:
    return sorted(row["movie_id"] for row in lake.read_silver("movies").collect())


@pytest.mark.slow
def test_a_job_killed_mid_commit_leaves_the_previous_snapshot_readable(
    spark: SparkSession, tmp_path: Path
) -> None:
    root = tmp_path / "lake"
    lake = Lake(spark, str(root))
    lake.replace(spark.createDataFrame([(1,), (2,), (3,)], "movie_id bigint"), "movies", {})
    data = root / "silver" / "movies" / "data"
    before = set(data.iterdir())

    # Kill once the job has written some of its data files (not all 400: no commit yet).
    code = kill_mid_write(str(root), lambda: len(set(data.iterdir()) - before) > 0)

    assert code == -signal.SIGKILL
    assert set(data.iterdir()) - before, "the kill left files of the unfinished write"
    assert _movie_ids(lake) == [1, 2, 3]  # the previous snapshot, whole and readable
    assert _snapshots(lake, "movies") == 1
    lake.replace(spark.createDataFrame([(4,)], "movie_id bigint"), "movies", {})
    assert _movie_ids(lake) == [4]  # the rerun replaces it in one commit
