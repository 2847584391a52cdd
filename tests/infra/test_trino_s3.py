"""Silver on an S3 lake read by the pinned Trino: parquet on a real S3 HTTP endpoint on 127.0.0.1
(moto's server), registered as hive external tables and queried through Trino's native S3 file system.

Slow: starts its own Trino (the download is cached by test_trino_server.py's first run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from infra.trino.distribution import default_cache_dir
from infra.trino.server import start, stop
from infra.trino.settings import TrinoSettings
from infra.trino.silver import lake_at, register_silver
from tests.local_servers import free_port, trino_query
from tests.s3_endpoint import CREDENTIALS, moto_s3

pytestmark = pytest.mark.slow

BUCKET = "trino-silver"
LAKE = f"s3://{BUCKET}/lake"


@pytest.fixture(scope="module")
def s3_trino(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrinoSettings]:
    """moto's S3 server and a Trino whose hive catalog reads it; AWS_* set for both, then restored."""
    with moto_s3(BUCKET) as endpoint:
        env = {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "AWS_REGION": "us-east-1",
        }
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        settings = TrinoSettings.from_env(
            {**env, "MOVIES_LAKE": LAKE, "MOVIES_TRINO_HOME": str(tmp_path_factory.mktemp("trino_s3")),
             "MOVIES_TRINO_PORT": str(free_port()), "MOVIES_TRINO_HEAP": "1G",
             "MOVIES_TRINO_CACHE": str(default_cache_dir())}
        )  # fmt: skip
        try:
            start(settings)
            yield settings
        finally:
            stop(settings)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _put(path: str, table: pa.Table) -> None:
    lake = lake_at(LAKE)
    with lake.filesystem.open_output_stream(f"{lake.root}/{path}") as out:
        pq.write_table(table, out)


def test_silver_on_s3_is_registered_and_read_in_place(s3_trino: TrinoSettings) -> None:
    movies = pa.table(
        {
            "movie_id": pa.array([862, 8844], pa.int64()),
            "title": ["Toy Story", "Jumanji"],
            "release_date": pa.array([date(1995, 10, 30), date(1995, 12, 15)], pa.date32()),
        }
    )
    _put("silver/movies/part-00000.parquet", movies.slice(0, 1))
    _put("silver/movies/part-00001.parquet", movies.slice(1, 1))
    _put("silver/_staging/movies-1/part-00000.parquet", movies)  # spark/'s unpublished copy: skipped
    _put("silver/cpi_monthly/part-00000.parquet", pa.table({"month": [date(1995, 10, 1)], "cpi": [153.6]}))

    assert register_silver(s3_trino, LAKE) == ["cpi_monthly", "movies"]

    assert trino_query(
        s3_trino, "select movie_id, title, release_date from hive.silver.movies order by 1"
    ) == [
        [862, "Toy Story", date(1995, 10, 30)],
        [8844, "Jumanji", date(1995, 12, 15)],
    ]
    assert trino_query(s3_trino, "select cpi from hive.silver.cpi_monthly") == [[153.6]]
    location = trino_query(s3_trino, 'select distinct "$path" from hive.silver.cpi_monthly')[0][0]
    assert location == f"s3://{BUCKET}/lake/silver/cpi_monthly/part-00000.parquet"
    # A new file in the entity's folder is read without registering again.
    _put("silver/cpi_monthly/part-00001.parquet", pa.table({"month": [date(1995, 11, 1)], "cpi": [153.9]}))
    assert trino_query(s3_trino, "select count(*) from hive.silver.cpi_monthly") == [[2]]
