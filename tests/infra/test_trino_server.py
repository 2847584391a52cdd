"""The pinned Trino for real: start on 127.0.0.1, silver registered over Spark-shaped parquet, stop.

Slow: downloads Trino 476 from Maven Central on first use (cached in ~/.cache/movie-warehouse/trino).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from infra.trino.distribution import default_cache_dir
from infra.trino.java import MIN_JAVA_MAJOR, java_major
from infra.trino.server import is_ready, server_info, start, stop
from infra.trino.settings import TrinoSettings
from infra.trino.silver import SilverRegistrationError, entity_schema, register_silver, silver_entities
from tests.local_servers import free_port, trino_query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrinoSettings]:
    settings = TrinoSettings(
        home=tmp_path_factory.mktemp("trino"), port=free_port(), heap="1G", cache_dir=default_cache_dir()
    )
    report = start(settings)
    assert report.started
    assert (java_major(report.java_home) or 0) >= MIN_JAVA_MAJOR
    try:
        yield settings
    finally:
        stop(settings)


def _write(folder: Path, table: pa.Table, name: str = "part-00000.parquet") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / name)


LOADED_AT = datetime(2024, 1, 10, 12, 30, 0, 123456, tzinfo=UTC)


def _movies(rows: list[tuple[int, str, date, int | None]]) -> pa.Table:
    """Silver movies columns as Spark writes them (TIMESTAMP_MICROS, adjusted to UTC)."""
    ids, titles, dates, runtimes = zip(*rows, strict=True)
    return pa.table(
        {
            "movie_id": pa.array(ids, pa.int64()),
            "title": pa.array(titles, pa.string()),
            "release_date": pa.array(dates, pa.date32()),
            "runtime_minutes": pa.array(runtimes, pa.int32()),
            "_loaded_at": pa.array([LOADED_AT] * len(rows), pa.timestamp("us", tz="UTC")),
        }
    )


def _spark_like_lake(lake: Path) -> None:
    """Entities as spark/ writes them: UTC-adjusted micros, arrays, _SUCCESS markers, a _staging copy."""
    movies = _movies(
        [(862, "Toy Story", date(1995, 10, 30), 81), (8844, "Jumanji", date(1995, 12, 15), None)]
    )
    _write(lake / "silver" / "movies", movies.slice(0, 1), "part-00000.parquet")
    _write(lake / "silver" / "movies", movies.slice(1, 1), "part-00001.parquet")
    (lake / "silver" / "movies" / "_SUCCESS").write_text("")
    yts = pa.table(
        {
            "yts_id": pa.array([1], pa.int64()),
            "genres": pa.array([["Drama", "Comedy"]], pa.list_(pa.string())),
            "_loaded_at": pa.array([LOADED_AT], pa.timestamp("us", tz="UTC")),
        }
    )
    _write(lake / "silver" / "yts_movies", yts)
    _write(lake / "silver" / "_staging" / "movies-abc", movies)


LOOPBACK_HEX = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (kernel hex) of sockets listening on `port`, from /proc/net/tcp and tcp6."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                addresses.add(address)
    return addresses


def test_server_listens_on_loopback_only(server: TrinoSettings) -> None:
    listening = _listening_addresses(server.port)
    assert listening
    assert listening <= LOOPBACK_HEX, listening
    info = server_info(server)
    assert info is not None
    assert info["starting"] is False
    assert info["nodeVersion"] == {"version": "476"}
    assert is_ready(server)
    assert trino_query(server, "show catalogs") == [["hive"], ["iceberg"], ["system"]]


def test_a_second_start_is_a_no_op(server: TrinoSettings) -> None:
    again = start(server)
    assert again.started is False


def test_silver_is_registered_with_the_files_own_columns(server: TrinoSettings, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    _spark_like_lake(lake)
    assert register_silver(server, lake) == ["movies", "yts_movies"]
    rows = trino_query(server, "select * from hive.silver.movies order by movie_id")
    assert rows == [
        [862, "Toy Story", date(1995, 10, 30), 81, datetime(2024, 1, 10, 12, 30, 0, 123456)],
        [8844, "Jumanji", date(1995, 12, 15), None, datetime(2024, 1, 10, 12, 30, 0, 123456)],
    ]
    assert trino_query(server, "select genres from hive.silver.yts_movies") == [[["Drama", "Comedy"]]]
    columns = trino_query(
        server,
        "select column_name, data_type from hive.information_schema.columns"
        " where table_schema = 'silver' and table_name = 'movies' order by ordinal_position",
    )
    assert columns == [
        ["movie_id", "bigint"],
        ["title", "varchar"],
        ["release_date", "date"],
        ["runtime_minutes", "integer"],
        ["_loaded_at", "timestamp(6)"],
    ]


def test_registration_follows_the_lake(server: TrinoSettings, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    _spark_like_lake(lake)
    register_silver(server, lake)
    # A new silver run rewrites movies in place: visible without registering again.
    rewritten = _movies(
        [(1, "A", date(2000, 1, 1), 90), (2, "B", date(2000, 1, 2), 91), (3, "C", date(2000, 1, 3), 92)]
    )
    _write(lake / "silver" / "movies", rewritten, "part-00001.parquet")
    assert trino_query(server, "select count(*) from hive.silver.movies") == [[4]]
    # An entity gone from the lake is dropped; registering again changes nothing else.
    for path in (lake / "silver" / "yts_movies").iterdir():
        path.unlink()
    (lake / "silver" / "yts_movies").rmdir()
    assert register_silver(server, lake) == ["movies"]
    assert register_silver(server, lake) == ["movies"]
    assert trino_query(server, "show tables from hive.silver") == [["movies"]]


def test_a_partitioned_folder_is_refused_with_a_reason(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    _write(lake / "silver" / "ratings" / "year=2015", pa.table({"x": [1]}))
    assert list(silver_entities(lake)) == ["ratings"]
    with pytest.raises(SilverRegistrationError, match="partitioned"):
        entity_schema(lake / "silver" / "ratings")
