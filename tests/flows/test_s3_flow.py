"""The whole flow on the scale-out pieces: `movies run` with the lake on a real S3 HTTP endpoint
(moto's server on 127.0.0.1, `MOVIES_LAKE=s3://...`), the Iceberg catalog outside the lake, and
silver on a Spark standalone cluster (a master and a worker started from the installed pyspark,
`MOVIES_SPARK_MASTER=spark://...`); dbt on the DuckDB target.

Every stage reads and writes the bucket (extract, the three GX layers, Spark, dbt through DuckDB's
httpfs and iceberg extensions, dbt docs and the report); the marts it builds must hold the answers the
embedded default's run (tests/flows/conftest.py) built from the same sample, and the keys given to
the run must appear in nothing it wrote or printed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import boto3
import duckdb
import pytest

from lakehouse.catalog import catalog_for, current_tables
from tests.s3_endpoint import moto_s3
from tests.spark_cluster import s3a_jars, standalone_cluster

from .conftest import movies_run

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]

BUCKET = "movies-lake"
# Keys moto accepts like any other, spelled so that a leak is unmistakable.
KEY_ID = "AKIAMOVIESLEAKCHECK"
SECRET = "s3-secret-that-must-never-be-written"

Answers = dict[str, list[tuple[object, ...]]]


def _value(value: object) -> object:
    """Floats to 9 significant digits: DuckDB's parallel sums may differ in the last bits."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.9g}")
    return value


def mart_answers(warehouse: Path) -> Answers:
    """Every mart's rows, sorted, without the columns that say when a run happened (load and build
    times, dbt's snapshot bookkeeping): what two runs of the same input must agree on."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.sql(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type not like 'TIMESTAMP%' "
            "and not starts_with(column_name, '_') and not starts_with(column_name, 'dbt_') "
            "order by table_name, ordinal_position"
        ).fetchall()
        tables: dict[str, list[str]] = {}
        for table, column in columns:
            tables.setdefault(table, []).append(f'"{column}"')
        answers = {}
        for table, selected in tables.items():
            rows = con.sql(f"select {', '.join(selected)} from marts.{table}").fetchall()
            answers[table] = sorted((tuple(_value(v) for v in row) for row in rows), key=repr)
        return answers


@pytest.fixture(scope="module")
def s3_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`movies run` once on an S3 lake and a Spark cluster, the endpoint's keys only in the environment."""
    data_dir = tmp_path_factory.mktemp("s3_data")
    catalog = data_dir / "catalog.sqlite"
    cluster_dir = tmp_path_factory.mktemp("spark_cluster")
    with (
        moto_s3(BUCKET) as endpoint,
        standalone_cluster(cluster_dir, classpath=s3a_jars()) as cluster,
        pytest.MonkeyPatch.context() as patch,
    ):
        env = {
            "MOVIES_LAKE": f"s3://{BUCKET}/lake",
            "MOVIES_ICEBERG_CATALOG_URI": f"jdbc:sqlite:{catalog}",
            "MOVIES_SPARK_MASTER": cluster.master_url,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_REGION": "us-east-1",
        }
        result = movies_run(data_dir, env=env)
        apps = cluster.completed_apps()
        for key, value in env.items():
            patch.setenv(key, value)
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
            region_name="us-east-1",
        )  # fmt: skip
        keys = [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
                for item in page.get("Contents", [])]  # fmt: skip
        tables = current_tables(catalog_for(env["MOVIES_LAKE"]))
    return {"dir": data_dir, "result": result, "keys": keys, "tables": tables, "apps": apps,
            "cluster_logs": cluster_dir}  # fmt: skip


def test_the_lake_is_in_the_bucket_and_nothing_local(s3_run):
    keys = s3_run["keys"]
    assert any(key.startswith("lake/raw/kaggle/ratings/") and key.endswith(".parquet") for key in keys)
    assert any(key.startswith("lake/silver/ratings/metadata/") for key in keys)
    assert not (s3_run["dir"] / "lake").exists()
    tables = s3_run["tables"]
    assert len(tables) == 24
    assert all(t.metadata_location.startswith(f"s3a://{BUCKET}/lake/silver/") for t in tables.values())


def test_silver_ran_on_the_cluster(s3_run):
    assert s3_run["apps"] == ["movie-warehouse-silver"]
    executors = list((s3_run["cluster_logs"] / "work").glob("app-*/*/stderr"))
    assert executors  # the worker launched executor JVMs of its own for the job


def test_marts_answer_as_the_embedded_default_does(s3_run, pipeline_runs):
    on_s3 = mart_answers(s3_run["dir"] / "warehouse.duckdb")
    local = mart_answers(pipeline_runs["dir"] / "warehouse.duckdb")
    assert set(on_s3) == set(local)
    assert len(on_s3["fct_ratings"]) == 100_004
    different = [table for table in local if on_s3[table] != local[table]]
    assert different == []


def test_every_stage_ran_on_the_bucket(s3_run):
    report = (s3_run["dir"] / "reports" / "run_report.md").read_text()
    for stage in ("extract", "validate raw", "spark", "validate silver", "dbt build", "validate gold"):
        assert f"| {stage} |" in report
    for layer in ("raw", "silver", "gold"):  # the checks table: layer, expectations, warnings, failures
        checked = re.search(rf"^\| {layer} \| (\d+) \| \d+ \| (\d+) \|$", report, re.MULTILINE)
        assert checked is not None and int(checked.group(1)) > 0 and checked.group(2) == "0", layer
    assert (s3_run["dir"] / "reports" / "report.html").is_file()
    assert (s3_run["dir"] / "dbt_target" / "static_index.html").is_file()


def test_the_keys_appear_in_no_output_or_file(s3_run):
    result = s3_run["result"]
    assert SECRET not in result.stdout + result.stderr
    assert KEY_ID not in result.stdout + result.stderr
    leaked = [
        path
        for path in s3_run["dir"].rglob("*")
        if path.is_file() and any(key in path.read_bytes() for key in (SECRET.encode(), KEY_ID.encode()))
    ]
    assert leaked == []
