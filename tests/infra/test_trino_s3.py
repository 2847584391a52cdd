"""Silver on an S3 lake read by the pinned Trino: Iceberg tables on a real S3 HTTP endpoint on
127.0.0.1 (moto's server) with their catalog outside the lake (a SQLite file named by
MOVIES_ICEBERG_CATALOG_URI), read through Trino's native S3 file system at Spark's `s3a://` locations.

Slow: starts its own Trino (the download is cached by test_trino_server.py's first run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from infra.trino.distribution import default_cache_dir
from infra.trino.server import start, stop
from infra.trino.settings import LocalTrino
from lakehouse.catalog import NAMESPACE
from sample.s3 import CREDENTIALS, moto_s3
from tests.local_servers import free_port, trino_query

pytestmark = pytest.mark.slow

BUCKET = "trino-silver"
LAKE = f"s3://{BUCKET}/lake"


@pytest.fixture(scope="module")
def s3_trino(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTrino]:
    """moto's S3 server and a Trino whose silver_lake catalog reads it; AWS_* set for both (and for
    pyiceberg, which writes the tables), then restored."""
    catalog_file = tmp_path_factory.mktemp("catalog") / "iceberg_catalog.sqlite"
    with moto_s3(BUCKET) as endpoint:
        env = {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "AWS_REGION": "us-east-1",
        }
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        settings = LocalTrino.from_env(
            {**env, "MOVIES_LAKE": LAKE, "MOVIES_ICEBERG_CATALOG_URI": f"jdbc:sqlite:{catalog_file}",
             "MOVIES_TRINO_HOME": str(tmp_path_factory.mktemp("trino_s3")),
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


def test_silver_on_s3_is_read_through_its_catalog(s3_trino: LocalTrino) -> None:
    settings = s3_trino.silver_catalog
    assert settings.warehouse == f"s3a://{BUCKET}/lake"  # the scheme Spark's Hadoop S3 client writes
    catalog = settings.load()
    catalog.create_namespace_if_not_exists(NAMESPACE)
    movies = pa.table(
        {
            "movie_id": pa.array([862, 8844], pa.int64()),
            "title": ["Toy Story", "Jumanji"],
            "release_date": pa.array([date(1995, 10, 30), date(1995, 12, 15)], pa.date32()),
        }
    )
    table = catalog.create_table(
        (NAMESPACE, "movies"), schema=movies.schema, location=f"{settings.warehouse}/silver/movies"
    )
    table.append(movies)

    assert trino_query(
        s3_trino, "select movie_id, title, release_date from silver_lake.silver.movies order by 1"
    ) == [
        [862, "Toy Story", date(1995, 10, 30)],
        [8844, "Jumanji", date(1995, 12, 15)],
    ]
    path = str(trino_query(s3_trino, 'select distinct "$path" from silver_lake.silver.movies')[0][0])
    assert path.startswith(f"s3a://{BUCKET}/lake/silver/movies/data/")
    assert Path(path).suffix == ".parquet"
    # A new commit is read by the next query, with nothing to register.
    table.append(movies.slice(0, 1))
    assert trino_query(s3_trino, "select count(*) from silver_lake.silver.movies") == [[3]]
