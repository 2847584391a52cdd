"""The lake's S3 settings (lakehouse.s3) and DuckDB reading an S3 lake with them (lakehouse.duckdb)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lakehouse.duckdb import open_lake
from lakehouse.s3 import S3Access
from sample.s3 import CREDENTIALS, moto_s3

pytestmark = pytest.mark.scaleout

SECRETS = """
[destination.filesystem.credentials]
aws_access_key_id = "from-dlt-id"
aws_secret_access_key = "made-up-dlt-value"
endpoint_url = "http://127.0.0.1:9000"
region_name = "eu-west-1"
"""


def _access_in(folder: Path, env: dict[str, str]) -> str:
    """s3_access() as a process started in `folder` (where dlt looks for .dlt/) sees it."""
    code = (
        "from lakehouse.s3 import s3_access; a = s3_access(); print(a.endpoint, a.region, a.key_id, a.secret)"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    root = Path(__file__).resolve().parents[2]
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, env={**clean, **env, "PYTHONPATH": str(root)},
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return shown.stdout.strip()


def test_the_aws_variables_come_first_and_dlt_fills_the_rest(tmp_path):
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text(SECRETS)
    assert _access_in(tmp_path, {}) == "http://127.0.0.1:9000 eu-west-1 from-dlt-id made-up-dlt-value"
    env = {"AWS_ACCESS_KEY_ID": "env-id", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_REGION": "us-east-2"}
    assert _access_in(tmp_path, env) == "http://127.0.0.1:9000 us-east-2 env-id env-secret"


def test_nothing_configured_leaves_each_engine_its_default_chain(tmp_path):
    assert _access_in(tmp_path, {}) == "None None None None"


def test_the_keys_are_not_in_the_repr():
    access = S3Access(endpoint="http://127.0.0.1:9000", key_id="FAKEIDVISIBLE", secret="hidden-value")
    assert "FAKEIDVISIBLE" not in repr(access) and "hidden-value" not in repr(access)
    assert (access.endpoint_host, access.uses_ssl, access.has_keys) == ("127.0.0.1:9000", False, True)
    assert S3Access().uses_ssl and S3Access().endpoint_host is None


def test_duckdb_reads_raw_files_in_the_bucket_by_s3_and_s3a_urls(tmp_path):
    local = tmp_path / "part.parquet"
    pq.write_table(pa.table({"movie_id": [1, 2, 3]}), local)
    with moto_s3("duck-lake") as endpoint:
        boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).upload_file(
            str(local), "duck-lake", "lake/raw/kaggle/links/1.0.a.parquet"
        )
        access = S3Access(
            endpoint, "us-east-1", CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"]
        )
        with duckdb.connect() as con:
            open_lake(con, "s3://duck-lake/lake", access)
            for scheme in ("s3", "s3a"):  # Spark writes s3a:// into Iceberg metadata
                url = f"{scheme}://duck-lake/lake/raw/kaggle/links/*.parquet"
                assert con.sql(f"select sum(movie_id) from read_parquet('{url}')").fetchone() == (6,)


class _QuotingConnection:
    """A real connection whose CREATE SECRET fails the way DuckDB's parser errors do: quoting the SQL."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def execute(self, sql: str) -> duckdb.DuckDBPyConnection:
        if "secret" in sql:
            raise duckdb.ParserException(f"Parser Error: syntax error at or near\nLINE 1: {sql}")
        return self.con.execute(sql)


def test_a_refused_secret_does_not_echo_the_keys():
    access = S3Access("http://127.0.0.1:1", "us-east-1", "FAKEIDECHOCHECK", "it's-a-secret")
    with duckdb.connect() as con, pytest.raises(RuntimeError) as refused:
        open_lake(_QuotingConnection(con), "s3://any/lake", access)  # type: ignore[arg-type]
    said = str(refused.value) + repr(refused.value.__cause__) + repr(refused.value.__context__)
    assert "FAKEIDECHOCHECK" not in said and "it''s-a-secret" not in said
    assert str(refused.value) == "DuckDB refused the lake's S3 settings (ParserException)"
