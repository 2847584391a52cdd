"""A silver table committed to and read back from a real S3 HTTP endpoint (moto's server) via s3a,
its Iceberg catalog a SQLite file named by MOVIES_ICEBERG_CATALOG_URI (an S3 lake has no folder for it).

Spark reads `spark.jars.packages` only when its JVM starts, so the Spark side runs in its own
process with the environment a scale-out run would have (AWS_* variables, an s3:// lake).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from sample.s3 import moto_s3
from spark.session import AWS_SDK_BUNDLE, HADOOP_AWS, s3a_settings
from tests.spark.killed_write import kill_mid_write

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "movies-lake-spark"
SPARK_SIDE = """
import json, sys
from spark.lake import Lake
from spark.session import get_spark
from spark.transforms import tmdb

spark = get_spark("s3-test", {"spark.sql.shuffle.partitions": "1"})
lake = Lake(spark, sys.argv[1])
schema = "movie_id bigint, imdb_id string, v int"
lake.replace(spark.createDataFrame([(1, "old", 1)], schema), "movie_ids", {})
lake.replace(spark.createDataFrame([(862, "tt0114709", 1), (949, None, 1)], schema), "movie_ids", {})
rows = sorted((r["movie_id"], r["imdb_id"]) for r in lake.read_silver("movie_ids").collect())
added = spark.createDataFrame([(13, "tt0109830", 2), (949, "tt0000949", 2)], schema)
lake.merge(added, "movie_ids", ["movie_id"], "v", {"loads": ["1.5", 1]})
lake.replace(spark.createDataFrame([(1,), (2,), (3,)], "movie_id bigint"), "movies", {})
merged = sorted((r["movie_id"], r["imdb_id"]) for r in lake.read_silver("movie_ids").collect())
absent = lake.read_raw("tmdb", "movies", tmdb.RAW_SCHEMA).count()
print("RESULT " + json.dumps({"rows": rows, "merged": merged, "recorded": lake.recorded("movie_ids", "loads"),
    "raw_loads": lake.raw_load_ids("tmdb", "movies"), "absent_raw_rows": absent, "root": lake.root}))
spark.stop()
"""
READ_SIDE = """
import json, sys
from spark.lake import Lake
from spark.session import get_spark

spark = get_spark("s3-read")
lake = Lake(spark, sys.argv[1])
print("RESULT " + json.dumps(sorted(r["movie_id"] for r in lake.read_silver("movies").collect())))
"""


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_s3(BUCKET) as url:
        yield url


def test_s3a_settings_for_an_s3_lake() -> None:
    env = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
    }

    settings = s3a_settings("s3://bucket/lake", env)

    assert settings["spark.jars.packages"] == f"{HADOOP_AWS},{AWS_SDK_BUNDLE}"
    assert settings["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:9000"
    assert settings["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert settings["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    assert settings["spark.hadoop.fs.s3a.access.key"] == "k"
    assert settings["spark.hadoop.fs.s3a.secret.key"] == "s"


def test_no_s3a_settings_for_a_local_lake() -> None:
    assert s3a_settings("data/lake", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9000"}) == {}
    assert s3a_settings(None, {}) == {}


@pytest.mark.slow
def _spark_side(script: str, lake: str, env: dict[str, str]) -> object:
    """Run a Spark script in its own process (its JVM gets the S3 jars); returns what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", script, lake], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.split("RESULT ", 1)[1])


def test_commit_read_back_and_survive_a_killed_commit_through_s3a(
    s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = f"s3://{BUCKET}/lake"
    env = {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "PYTHONPATH": str(ROOT),
        "MOVIES_LAKE": lake,  # how the flow names its lake; get_spark reads it
        "MOVIES_ICEBERG_CATALOG_URI": f"jdbc:sqlite:{(tmp_path / 'catalog.sqlite').as_posix()}",
    }

    result = _spark_side(SPARK_SIDE, lake, {**os.environ, **env})

    assert result == {
        "rows": [[862, "tt0114709"], [949, None]],  # the second commit replaced the first whole
        "merged": [[13, "tt0109830"], [862, "tt0114709"], [949, "tt0000949"]],  # the merge, in place
        "recorded": ["1.5", 1],
        "raw_loads": [],
        "absent_raw_rows": 0,
        "root": f"s3a://{BUCKET}/lake",
    }
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )

    def keys(prefix: str) -> set[str]:
        return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])}

    table_keys = keys("lake/silver/movie_ids/")
    assert any(key.startswith("lake/silver/movie_ids/data/") for key in table_keys)
    assert any(key.startswith("lake/silver/movie_ids/metadata/") for key in table_keys)

    # A job killed while it writes its data files (before its commit) leaves the previous snapshot.
    data_before = keys("lake/silver/movies/data/")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code = kill_mid_write(lake, lambda: bool(keys("lake/silver/movies/data/") - data_before))
    assert code == -signal.SIGKILL
    assert _spark_side(READ_SIDE, lake, {**os.environ, **env}) == [1, 2, 3]
