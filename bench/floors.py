"""The floors the benchmark compares against, measured in the same run on the same files.

python -m bench.floors copy <ratings.csv> <out.parquet>   # DuckDB COPY read_csv -> parquet
python -m bench.floors scan <lake>                        # DuckDB scan of silver ratings (Iceberg)
"""

from __future__ import annotations

import json
import sys
import time

import duckdb

from lakehouse.catalog import catalog_for
from lakehouse.duckdb import load_extensions, metadata_locations, scan

RATINGS_COLUMNS = "{'userId': 'BIGINT', 'movieId': 'BIGINT', 'rating': 'DOUBLE', 'timestamp': 'BIGINT'}"


def copy_floor(csv_path: str, out: str) -> dict[str, float]:
    """DuckDB's own CSV reader and parquet writer, typed like our ratings spec: the ingest floor.
    `seconds` is the COPY alone, without the interpreter's start."""
    started = time.perf_counter()
    duckdb.sql(
        f"copy (select * from read_csv('{csv_path}', header = true, columns = {RATINGS_COLUMNS})) "
        f"to '{out}' (format parquet)"
    )
    seconds = time.perf_counter() - started
    return {
        "rows": int(duckdb.sql(f"select count(*) from '{out}'").fetchone()[0]),
        "seconds": round(seconds, 2),
    }


def scan_floor(lake: str) -> dict[str, float]:
    """One pass over silver ratings with DuckDB (count, average): the floor for reading the layer.

    Reads the Iceberg table at its current snapshot, as dbt's staging does (lakehouse.duckdb)."""
    ratings = scan(metadata_locations(catalog_for(lake))["ratings"])
    with duckdb.connect() as con:
        load_extensions(con)
        rows, average = con.execute(f"select count(*), avg(rating) from {ratings}").fetchone()
    return {"rows": int(rows), "average_rating": float(average)}


def main(argv: list[str] | None = None) -> int:
    """Run one floor and print its result as JSON."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["copy"] and len(args) == 3:
        print(json.dumps(copy_floor(args[1], args[2])))
    elif args[:1] == ["scan"] and len(args) == 2:
        print(json.dumps(scan_floor(args[1])))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
