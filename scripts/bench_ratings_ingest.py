"""Benchmark: our ratings CSV -> raw parquet (dlt + Arrow reader) against DuckDB's COPY read_csv -> parquet.

    .venv/bin/python scripts/bench_ratings_ingest.py --rows 5000000

Generates `data/bench/ratings_<rows>.csv` (MovieLens ratings.csv layout) once, then runs each engine
in a child process, polling its resident memory with psutil, and prints rows/s, peak RSS and ratios.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Result:
    """One engine's wall time and peak resident memory."""

    engine: str
    seconds: float
    peak_rss_mb: float


def write_ratings(path: Path, rows: int, seed: int = 7) -> Path:
    """An N-row ratings.csv (userId,movieId,rating,timestamp), deterministic for a seed."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("userId,movieId,rating,timestamp\n")
        for _ in range(rows):
            rating = rng.randint(1, 10) / 2
            user, movie, stamp = (
                rng.randint(1, 270000),
                rng.randint(1, 176000),
                rng.randint(789652009, 1501829000),
            )
            handle.write(f"{user},{movie},{rating},{stamp}\n")
    return path


def run_ours(csv_path: Path, out: Path) -> None:
    """The production path: kaggle's ratings spec through csv_file_resource into a parquet raw/."""
    import dlt

    from extract.csv_files import csv_file_resource
    from extract.kaggle import KAGGLE_FILES
    from extract.pipelines import run_source

    @dlt.source(name="bench")
    def bench() -> object:
        return csv_file_resource(csv_path, "ratings", KAGGLE_FILES["ratings"])

    run_source(bench(), str(out / "lake"), out / "pipelines")


def run_duckdb(csv_path: Path, out: Path) -> None:
    """DuckDB's reader and parquet writer, typed like our ratings spec."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    columns = "{'userId': 'BIGINT', 'movieId': 'BIGINT', 'rating': 'DOUBLE', 'timestamp': 'BIGINT'}"
    duckdb.sql(
        f"copy (select * from read_csv('{csv_path}', header=true, columns={columns})) "
        f"to '{out / 'ratings.parquet'}' (format parquet)"
    )


def measure(engine: str, csv_path: Path, out: Path) -> Result:
    """Run one engine in a child process; poll its RSS (with its children) every 20 ms."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, __file__, "--engine", engine, "--csv", str(csv_path), "--out", str(out)]
    started, peak = time.perf_counter(), 0
    with subprocess.Popen(command, cwd=PROJECT_ROOT) as child:
        process = psutil.Process(child.pid)
        while child.poll() is None:
            try:
                peak = max(peak, sum(p.memory_info().rss for p in [process, *process.children(True)]))
            except psutil.NoSuchProcess:
                break
            time.sleep(0.02)
    if child.returncode:
        raise RuntimeError(f"{engine} failed with exit code {child.returncode}")
    return Result(engine, time.perf_counter() - started, peak / 2**20)


def report(rows: int, ours: Result, duck: Result) -> None:
    """Print throughput and memory for both engines, and our ratio to DuckDB's."""
    for result in (ours, duck):
        rate = rows / result.seconds
        memory = result.peak_rss_mb
        print(f"{result.engine:7} {result.seconds:7.2f} s  {rate:12,.0f} rows/s  peak RSS {memory:7.0f} MB")
    time_ratio, rss_ratio = ours.seconds / duck.seconds, ours.peak_rss_mb / duck.peak_rss_mb
    print(f"ratio ours/duckdb: time x{time_ratio:.2f}, peak RSS x{rss_ratio:.2f}")


def main() -> int:
    """Generate the CSV if needed, then benchmark both engines (or run one, as the child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--engine", choices=("ours", "duckdb"))
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.engine:
        {"ours": run_ours, "duckdb": run_duckdb}[args.engine](args.csv, args.out)
        return 0
    bench_dir = PROJECT_ROOT / "data" / "bench"
    csv_path = write_ratings(bench_dir / f"ratings_{args.rows}.csv", args.rows)
    ours = measure("ours", csv_path, bench_dir / "out_ours")
    duck = measure("duckdb", csv_path, bench_dir / "out_duckdb")
    report(args.rows, ours, duck)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
