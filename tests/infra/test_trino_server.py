"""The pinned Trino for real: start on 127.0.0.1, read silver's Iceberg tables through the catalog they
are committed to (no registration), refuse writes to them, stop.

Slow: downloads Trino 476 from Maven Central on first use (cached in ~/.cache/movie-warehouse/trino).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
import trino

from infra.trino.distribution import default_cache_dir
from infra.trino.java import MIN_JAVA_MAJOR, java_major
from infra.trino.server import TrinoStartError, ensure_embedded_catalog, is_ready, server_info, start, stop
from infra.trino.settings import LocalTrino
from tests.local_servers import free_port, trino_query
from tests.silver_tables import drop_silver_table, write_silver_tables

pytestmark = pytest.mark.slow

LOADED_AT = datetime(2024, 1, 10, 12, 30, 0, 123456, tzinfo=UTC)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's lake, empty when Trino starts (silver is committed by the tests)."""
    return tmp_path_factory.mktemp("lake")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, lake: Path) -> Iterator[LocalTrino]:
    settings = LocalTrino(
        home=tmp_path_factory.mktemp("trino"),
        port=free_port(),
        heap="1G",
        cache_dir=default_cache_dir(),
        lake=lake.as_posix(),
    )
    report = start(settings)
    assert report.started
    assert (java_major(report.java_home) or 0) >= MIN_JAVA_MAJOR
    try:
        yield settings
    finally:
        stop(settings)


def _movies(rows: list[tuple[int, str, date, int | None]]) -> pa.Table:
    """Silver movies columns as Spark writes them (timestamps as UTC instants)."""
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


def test_server_listens_on_loopback_only(server: LocalTrino) -> None:
    listening = _listening_addresses(server.port)
    assert listening
    assert listening <= LOOPBACK_HEX, listening
    info = server_info(server)
    assert info is not None
    assert info["starting"] is False
    assert info["nodeVersion"] == {"version": "476"}
    assert is_ready(server)
    assert trino_query(server, "show catalogs") == [["iceberg"], ["silver_lake"], ["system"]]


def test_a_second_start_is_a_no_op(server: LocalTrino) -> None:
    again = start(server)
    assert again.started is False


def test_a_start_for_another_lake_is_refused_while_this_one_serves(
    server: LocalTrino, tmp_path: Path
) -> None:
    other = dataclasses.replace(server, lake=(tmp_path / "other-lake").as_posix())
    with pytest.raises(TrinoStartError, match="another configuration"):
        start(other)
    assert start(server).started is False  # the running server's own settings still match


def test_silver_tables_are_read_with_the_types_spark_wrote(server: LocalTrino, lake: Path) -> None:
    yts = pa.table(
        {
            "yts_id": pa.array([1], pa.int64()),
            "genres": pa.array([["Drama", "Comedy"]], pa.list_(pa.string())),
            "_loaded_at": pa.array([LOADED_AT], pa.timestamp("us", tz="UTC")),
        }
    )
    movies = _movies(
        [(862, "Toy Story", date(1995, 10, 30), 81), (8844, "Jumanji", date(1995, 12, 15), None)]
    )
    write_silver_tables(lake, {"movies": movies, "yts_movies": yts})

    rows = trino_query(server, "select * from silver_lake.silver.movies order by movie_id")
    assert rows == [
        [862, "Toy Story", date(1995, 10, 30), 81, LOADED_AT],
        [8844, "Jumanji", date(1995, 12, 15), None, LOADED_AT],
    ]
    assert trino_query(server, "select genres from silver_lake.silver.yts_movies") == [[["Drama", "Comedy"]]]
    columns = trino_query(
        server,
        "select column_name, data_type from silver_lake.information_schema.columns"
        " where table_schema = 'silver' and table_name = 'movies' order by ordinal_position",
    )
    assert columns == [
        ["movie_id", "bigint"],
        ["title", "varchar"],
        ["release_date", "date"],
        ["runtime_minutes", "integer"],
        ["_loaded_at", "timestamp(6) with time zone"],
    ]
    # The files are the lake's own: read in place, nothing copied under the Trino home.
    paths = trino_query(server, 'select distinct "$path" from silver_lake.silver.movies')
    assert [str(path).startswith(f"{lake.as_uri()}/silver/movies/data/") for (path,) in paths] == [True]


def test_every_commit_is_read_at_once_with_no_step_between(server: LocalTrino, lake: Path) -> None:
    write_silver_tables(lake, {"cpi_monthly": pa.table({"month": [date(1995, 10, 1)], "cpi": [153.6]})})
    assert trino_query(server, "select month, cpi from silver_lake.silver.cpi_monthly") == [
        [date(1995, 10, 1), 153.6]
    ]
    # A second commit (silver rewrote the entity) is the snapshot the next query reads.
    rewritten = pa.table({"month": [date(1995, 10, 1), date(1995, 11, 1)], "cpi": [153.7, 153.9]})
    write_silver_tables(lake, {"cpi_monthly": rewritten})
    assert trino_query(server, "select month, cpi from silver_lake.silver.cpi_monthly order by month") == [
        [date(1995, 10, 1), 153.7],
        [date(1995, 11, 1), 153.9],
    ]
    # A table dropped from the catalog is gone from Trino too.
    write_silver_tables(lake, {"people": pa.table({"person_key": ["name:A"]})})
    assert ["people"] in trino_query(server, "show tables from silver_lake.silver")
    drop_silver_table(lake, "people")
    assert ["people"] not in trino_query(server, "show tables from silver_lake.silver")


@pytest.mark.parametrize(
    "sql",
    [
        "insert into silver_lake.silver.movies select * from silver_lake.silver.movies",
        "delete from silver_lake.silver.movies",
        "drop table silver_lake.silver.movies",
        "create table silver_lake.silver.copy as select 1 as x",
    ],
)
def test_silver_is_read_only_on_trino(server: LocalTrino, lake: Path, sql: str) -> None:
    write_silver_tables(lake, {"movies": _movies([(862, "Toy Story", date(1995, 10, 30), 81)])})
    with pytest.raises(trino.exceptions.TrinoUserError, match="Access Denied"):
        trino_query(server, sql)
    assert trino_query(server, "select count(*) from silver_lake.silver.movies") == [[1]]


def test_a_lake_without_silver_gets_an_empty_catalog(tmp_path: Path) -> None:
    """Trino's JDBC catalog needs the catalog's tables: a new local lake gets them, empty."""
    lake = tmp_path / "new-lake"
    settings = LocalTrino(home=tmp_path / "t", port=1, heap="1G", cache_dir=tmp_path, lake=lake.as_posix())
    ensure_embedded_catalog(settings)
    with sqlite3.connect(lake / "iceberg_catalog.sqlite") as con:
        tables = {name for (name,) in con.execute("select name from sqlite_master where type = 'table'")}
        assert {"iceberg_tables", "iceberg_namespace_properties"} <= tables
        assert con.execute("select count(*) from iceberg_tables").fetchone() == (0,)
