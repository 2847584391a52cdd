"""The production path end to end: `movies run` with the lake on a real S3 HTTP endpoint (moto's server
on 127.0.0.1, `MOVIES_LAKE=s3://...`), silver's Iceberg catalog in a real PostgreSQL (Iceberg's JDBC
catalog, as the compose stack runs it), silver built on a Spark standalone cluster (a master and a
worker from the installed pyspark, `MOVIES_SPARK_MASTER=spark://...`), and dbt, the gold checks and
the report on a real Trino (`MOVIES_DBT_TARGET=trino`) that reads silver through the same catalog.
A second run on the same lake and catalog, from another data dir, builds the DuckDB target.

Every stage reads and writes the bucket, through a proxy that answers some of the first run's writes
with S3's errors (503 SlowDown, 500 InternalError) or stalls them, as S3 does under load (issue 32's
S3 faults, sample.s3_faults): extract's and Spark's clients must absorb them. Both warehouses must
hold the answers the embedded default's run (tests/flows/conftest.py) built from the same sample, and
the keys given to the runs must appear in nothing they wrote or printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import duckdb
import psycopg2
import pytest

from infra.trino.distribution import default_cache_dir
from infra.trino.server import start, stop
from infra.trino.settings import LocalTrino
from lakehouse.catalog import catalog_for, current_tables
from sample.postgres import DATABASE, USER, postgres_server
from sample.s3 import moto_s3
from sample.s3_faults import WRITES, Fault, S3Faults, faulty_s3
from tests.answers import sorted_rows
from tests.flows.runs import movies_run
from tests.local_servers import free_port, trino_query
from tests.spark_cluster import s3a_jars, standalone_cluster

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]

BUCKET = "movies-lake"
# Made-up keys (moto takes any), spelled so that a leak is unmistakable.
KEY_ID = "FAKEKEYIDMOVIESLEAKCHECK"
SECRET = "fake-key-that-must-never-be-written"

Answers = dict[str, list[tuple[object, ...]]]
# The faults the first run's writes meet: extract's raw files (dlt through s3fs) and silver's commits
# (Spark's s3a on the cluster), each kind once or twice.
S3_FAULTS = (
    (Fault.SLOWDOWN, 2, "lake/raw/", 0.0), (Fault.INTERNAL_ERROR, 1, "lake/raw/", 0.0),
    (Fault.STALL, 1, "lake/raw/", 3.0), (Fault.SLOWDOWN, 2, "lake/silver/", 0.0),
    (Fault.INTERNAL_ERROR, 1, "lake/silver/", 0.0), (Fault.STALL, 1, "lake/silver/", 3.0),
)  # fmt: skip


# Mart columns two runs of the same input need not share: when a run happened (load and build
# times) and dbt's snapshot bookkeeping.
COLUMNS = (
    "select table_name, column_name from {schema}.columns where table_schema = 'marts' "
    "and lower(data_type) not like 'timestamp%' and column_name not like '\\_%' escape '\\' "
    "and column_name not like 'dbt\\_%' escape '\\' order by table_name, ordinal_position"
)


def _answers(
    columns: list[tuple[str, str]] | list[list[object]], rows_of: Callable[[str, str], list[Any]]
) -> Answers:
    tables: dict[str, list[str]] = {}
    for table, column in columns:
        tables.setdefault(table, []).append(f'"{column}"')
    return {
        table: sorted_rows(rows_of(table, ", ".join(selected)), digits=9)  # 9: engines' sums differ
        for table, selected in tables.items()
    }


def mart_answers(warehouse: Path) -> Answers:
    """Every mart's rows on the DuckDB target, sorted, without the run-specific columns."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.sql(COLUMNS.format(schema="information_schema")).fetchall()
        return _answers(columns, lambda table, cols: con.sql(f"select {cols} from marts.{table}").fetchall())


def trino_answers(settings: LocalTrino) -> Answers:
    """The same on the Trino target (catalog `iceberg`)."""
    columns = trino_query(settings, COLUMNS.format(schema="iceberg.information_schema"))
    return _answers(
        columns, lambda table, cols: trino_query(settings, f"select {cols} from iceberg.marts.{table}")
    )


def _s3_faults() -> S3Faults:
    faults = S3Faults()
    for kind, times, prefix, seconds in S3_FAULTS:
        faults.add(kind, times, methods=WRITES, prefix=f"/{BUCKET}/{prefix}", seconds=seconds)
    return faults


@pytest.fixture(scope="module")
def scaleout(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Both runs on one S3 lake, one catalog service and one Spark cluster; the Trino run first."""
    dirs = {name: tmp_path_factory.mktemp(name) for name in ("on_trino", "on_duckdb", "trino", "spark")}
    with (
        postgres_server() as catalog,
        moto_s3(BUCKET) as upstream,
        faulty_s3(upstream, _s3_faults()) as proxy,
        standalone_cluster(dirs["spark"], classpath=s3a_jars()) as cluster,
        pytest.MonkeyPatch.context() as patch,
    ):
        endpoint = proxy.url
        env = {
            "MOVIES_LAKE": f"s3://{BUCKET}/lake",
            "MOVIES_ICEBERG_CATALOG_URI": catalog.jdbc_url,
            "MOVIES_SPARK_MASTER": cluster.master_url,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_REGION": "us-east-1",
        }
        for key, value in env.items():  # for Trino's process (its S3 keys) and this test's readers
            patch.setenv(key, value)
        trino = LocalTrino(
            home=dirs["trino"], port=free_port(), heap="2G", cache_dir=default_cache_dir(),
            lake=env["MOVIES_LAKE"], catalog_uri=catalog.jdbc_url, s3_endpoint=endpoint,
        )  # fmt: skip
        start(trino)
        try:
            target = {"MOVIES_DBT_TARGET": "trino", "MOVIES_TRINO_PORT": str(trino.port)}
            on_trino = movies_run(dirs["on_trino"], env={**env, **target})
            s3_faults = (proxy.faults.injected(), proxy.faults.pending())
            trino_marts = trino_answers(trino)
            on_duckdb = movies_run(dirs["on_duckdb"], env=env)
        finally:
            stop(trino)
        apps = cluster.completed_apps()
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
            region_name="us-east-1",
        )  # fmt: skip
        keys = [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
                for item in page.get("Contents", [])]  # fmt: skip
        tables = current_tables(catalog_for(env["MOVIES_LAKE"]))
        with psycopg2.connect(host="127.0.0.1", port=catalog.port, user=USER, dbname=DATABASE) as con:
            cursor = con.cursor()
            cursor.execute(
                "select table_namespace, table_name from iceberg_tables where catalog_name = 'movies'"
            )
            catalogued = sorted(cursor.fetchall())
    return {"dirs": dirs, "runs": {"on_trino": on_trino, "on_duckdb": on_duckdb}, "trino_marts": trino_marts,
            "s3_faults": s3_faults,
            "keys": keys, "tables": tables, "catalogued": catalogued, "apps": apps}  # fmt: skip


def test_the_lake_is_in_the_bucket_and_its_tables_in_the_catalog_service(scaleout):
    keys = scaleout["keys"]
    assert any(key.startswith("lake/raw/kaggle/ratings/") and key.endswith(".parquet") for key in keys)
    assert any(key.startswith("lake/silver/ratings/metadata/") for key in keys)
    assert not any((folder / "lake").exists() for folder in scaleout["dirs"].values())
    tables = scaleout["tables"]
    assert len(tables) == 24
    assert all(t.metadata_location.startswith(f"s3a://{BUCKET}/lake/silver/") for t in tables.values())
    assert scaleout["catalogued"] == sorted(("silver", name) for name in tables)


def test_s3_errors_and_stalls_during_extract_and_silver_were_absorbed(scaleout):
    # Every fault was served to the first run's writers, and the run still completed (movies_run checks).
    injected, pending = scaleout["s3_faults"]
    assert injected == {"slowdown": 4, "internal_error": 2, "stall": 2}
    assert pending == 0


def test_silver_was_built_once_on_the_cluster(scaleout):
    # The Trino run built silver there; the DuckDB run on the same lake found nothing new to build.
    assert scaleout["apps"] == ["movie-warehouse-silver"]
    assert list((scaleout["dirs"]["spark"] / "work").glob("app-*/*/stderr"))  # the worker's executors


def _different(answers: Answers, expected: Answers) -> list[str]:
    assert set(answers) == set(expected)
    assert len(answers["fct_ratings"]) == 100_004
    return [table for table in expected if answers[table] != expected[table]]


def test_trino_marts_answer_as_the_embedded_default_does(scaleout, pipeline_runs):
    local = mart_answers(pipeline_runs["dir"] / "warehouse.duckdb")
    assert _different(scaleout["trino_marts"], local) == []


def test_duckdb_marts_on_the_s3_lake_answer_as_the_embedded_default_does(scaleout, pipeline_runs):
    local = mart_answers(pipeline_runs["dir"] / "warehouse.duckdb")
    assert _different(mart_answers(scaleout["dirs"]["on_duckdb"] / "warehouse.duckdb"), local) == []


@pytest.mark.parametrize("run", ["on_trino", "on_duckdb"])
def test_every_check_and_output_ran(scaleout, run):
    folder = scaleout["dirs"][run]
    report = (folder / "reports" / "run_report.md").read_text()
    for stage in ("extract", "validate raw", "validate silver", "dbt build", "validate gold", "html report"):
        assert f"| {stage} |" in report
    for layer in ("raw", "silver", "gold"):  # the checks table: layer, expectations, warnings, failures
        checked = re.search(rf"^\| {layer} \| (\d+) \| \d+ \| (\d+) \|$", report, re.MULTILINE)
        assert checked is not None and int(checked.group(1)) > 0 and checked.group(2) == "0", layer
    assert (folder / "reports" / "report.html").is_file()
    assert (folder / "dbt_target" / "static_index.html").is_file()


def test_the_keys_appear_in_no_output_or_file(scaleout):
    for result in scaleout["runs"].values():
        assert SECRET not in result.stdout + result.stderr
        assert KEY_ID not in result.stdout + result.stderr
    leaked = [
        path
        for folder in scaleout["dirs"].values()
        for path in folder.rglob("*")
        if path.is_file() and any(key in path.read_bytes() for key in (SECRET.encode(), KEY_ID.encode()))
    ]
    assert leaked == []
