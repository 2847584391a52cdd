"""The same API pipeline into an S3 lake (moto's S3 server on 127.0.0.1) gives the local lake's rows."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from extract.omdb.ids import tmdb_imdb_ids
from extract.pipelines import ApiTarget, run_api_sources
from sample.replay import ReplayServer
from sample.s3 import moto_s3
from tests.extract.api_fakes import imdb_id, write_sample

pytestmark = pytest.mark.slow
BUCKET = "movies-lake-extract"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with moto_s3(BUCKET) as endpoint:
        for key, value in {**CREDENTIALS, "endpoint_url": endpoint}.items():
            monkeypatch.setenv(f"DESTINATION__FILESYSTEM__CREDENTIALS__{key.upper()}", value)
        yield endpoint


def s3_table(endpoint: str, prefix: str) -> pa.Table:
    client = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]]
    parts = [pq.read_table(io.BytesIO(client.get_object(Bucket=BUCKET, Key=key)["Body"].read()))
             for key in sorted(keys) if key.endswith(".parquet")]  # fmt: skip
    return pa.concat_tables(parts)


def local_table(lake: Path, dataset: str, table: str) -> pa.Table:
    return pa.concat_tables(
        pq.read_table(path) for path in sorted((lake / "raw" / dataset / table).glob("*.parquet"))
    )


def comparable(table: pa.Table) -> list[dict]:
    """Rows without dlt's per-load columns, in id order."""
    rows = table.drop_columns(["_dlt_load_id", "_dlt_id"]).to_pylist()
    return sorted(rows, key=lambda row: str(row.get("imdb_id") or row.get("id")))


def test_s3_lake_holds_the_same_rows_and_state_as_a_local_lake(
    s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [imdb_id(number) for number in range(12)]
    with ReplayServer.from_sample(write_sample(tmp_path / "sample", 12)) as server:
        url = server.url
        target = ApiTarget(f"{url}/", f"{url}/3", f"{url}/api/v2", "key", "token", 0.0, 4)
        names = ("omdb", "tmdb")
        remote = run_api_sources(target, ids, f"s3://{BUCKET}/lake", tmp_path / "pipelines_s3", names)
        run_api_sources(target, ids, str(tmp_path / "local"), tmp_path / "pipelines_local", names)
        again = run_api_sources(target, ids, f"s3://{BUCKET}/lake", tmp_path / "fresh_machine", names)

    assert [summary.rows for summary in remote] == [{"movies": 12}, {"movies": 12}]
    for dataset in names:
        from_s3 = s3_table(s3_endpoint, f"lake/raw/{dataset}/movies/")
        assert from_s3.num_rows == 12
        assert comparable(from_s3) == comparable(local_table(tmp_path / "local", dataset, "movies"))
    assert [(summary.rows, summary.load_ids) for summary in again] == [({}, ())] * 2
    # OMDb's next run also asks about the ids of the TMDB details in the bucket (read with s3fs).
    for key in ("aws_access_key_id", "aws_secret_access_key"):
        monkeypatch.setenv(key.upper(), CREDENTIALS[key])
    monkeypatch.setenv("AWS_DEFAULT_REGION", CREDENTIALS["region_name"])
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    assert sorted(set(tmdb_imdb_ids(f"s3://{BUCKET}/lake"))) == ids
