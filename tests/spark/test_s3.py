"""A silver entity published to and read back from a real S3 HTTP endpoint (moto's server) via s3a.

Spark reads `spark.jars.packages` only when its JVM starts, so the Spark side runs in its own
process with the environment a scale-out run would have (AWS_* variables, an s3:// lake).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from spark.session import AWS_SDK_BUNDLE, HADOOP_AWS, s3a_settings
from tests.s3_endpoint import moto_s3

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "movies-lake-spark"
SPARK_SIDE = """
import json, sys
from spark.lake import Lake
from spark.session import get_spark
from spark.transforms import tmdb

spark = get_spark("s3-test", {"spark.sql.shuffle.partitions": "1"})
lake = Lake(spark, sys.argv[1])
old = spark.createDataFrame([(1, "old")], "movie_id bigint, imdb_id string")
new = spark.createDataFrame([(862, "tt0114709"), (949, None)], "movie_id bigint, imdb_id string")
lake.publish_silver(old, "movie_ids")
lake.publish_silver(new, "movie_ids")
rows = sorted((r["movie_id"], r["imdb_id"]) for r in lake.read_silver("movie_ids").collect())
added = spark.createDataFrame([(13, "tt0109830")], "movie_id bigint, imdb_id string")
lake.publish_silver(added, "movie_ids", manifest={"loads": ["1700000000.5"]}, keep_live=True)
kept = sorted((r["movie_id"], r["imdb_id"]) for r in lake.read_silver("movie_ids").collect())
absent = lake.read_raw("tmdb", "movies", tmdb.RAW_SCHEMA).count()
print("RESULT " + json.dumps({"rows": rows, "kept": kept, "manifest": lake.read_manifest("movie_ids"),
    "raw_loads": lake.raw_load_ids("tmdb", "movies"), "absent_raw_rows": absent, "root": lake.root}))
spark.stop()
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
def test_publish_and_read_back_through_s3a(s3_endpoint: str) -> None:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "PYTHONPATH": str(ROOT),
        "MOVIES_LAKE": f"s3://{BUCKET}/lake",  # how the flow names its lake; get_spark reads it
    }
    lake = f"s3://{BUCKET}/lake"

    done = subprocess.run(
        [sys.executable, "-c", SPARK_SIDE, lake],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert result == {
        "rows": [[862, "tt0114709"], [949, None]],  # the second publish replaced the first whole
        "kept": [[13, "tt0109830"], [862, "tt0114709"], [949, None]],  # the third added to it
        "manifest": {"loads": ["1700000000.5"]},
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
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="lake/silver/")["Contents"]]
    assert any(key.startswith("lake/silver/movie_ids/") and key.endswith(".parquet") for key in keys)
    assert not [key for key in keys if key.startswith("lake/silver/_staging/") and key.endswith(".parquet")]
