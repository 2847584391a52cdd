"""Benchmark: our ratings CSV -> raw parquet (dlt + Arrow reader) against DuckDB's COPY read_csv -> parquet.

    .venv/bin/python scripts/bench_ratings_ingest.py                 # 26,024,289 rows, Kaggle's size
    .venv/bin/python scripts/bench_ratings_ingest.py --rows 2000000

Generates `data/bench/ratings_<rows>.csv` (MovieLens ratings.csv layout) once, then runs each engine
in a child process and prints wall time, rows/s, peak RSS of the process tree and the ratios, for
the whole process and for the load alone (each child times its own load: ours pays ~3 s more than
DuckDB to start, importing dlt, pyarrow and pandas).
Targets (issue 3): at least half of DuckDB's throughput, peak RSS under 2 GiB. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.measure import Measured, measure  # noqa: E402

KAGGLE_RATINGS = 26_024_289


def write_ratings(path: Path, rows: int, seed: int = 7) -> Path:
    """An N-row ratings.csv (userId,movieId,rating,timestamp), deterministic for a seed."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("userId,movieId,rating,timestamp\n")
        for _ in range(rows):
            user, movie = rng.randint(1, 270_000), rng.randint(1, 176_000)
            handle.write(f"{user},{movie},{rng.randint(1, 10) / 2},{rng.randint(789652009, 1501829000)}\n")
    return path


def run_ours(csv_path: Path, out: Path) -> None:
    """The production path: Kaggle's ratings spec through csv_file_resource into a parquet raw/."""
    import dlt

    from extract.csv_files import csv_file_resource
    from extract.kaggle import KAGGLE_FILES
    from extract.pipelines import run_source

    @dlt.source(name="bench")
    def bench() -> object:
        return csv_file_resource(csv_path, "ratings", KAGGLE_FILES["ratings"])

    started = time.perf_counter()
    run_source(bench(), str(out / "lake"), out / "pipelines")
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2)}))


def engine(name: str, csv_path: Path, out: Path) -> Measured:
    """One engine in a child process, from a clean output folder."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if name == "ours":
        command = [sys.executable, __file__, "--engine", "ours", "--csv", str(csv_path), "--out", str(out)]
    else:
        command = [sys.executable, "-m", "bench.floors", "copy", str(csv_path), str(out / "ratings.parquet")]
    result = measure(name, command, os.environ, PROJECT_ROOT, out.parent / f"{name}.log")
    if result.returncode:
        raise RuntimeError(f"{name} failed:\n{result.output_tail}")
    return result


def load_seconds(result: Measured) -> float:
    """The seconds the child reported for its load alone (its last output line is JSON)."""
    return float(json.loads(result.output_tail.splitlines()[-1])["seconds"])


def report(rows: int, ours: Measured, duck: Measured) -> None:
    """Throughput and memory of both engines, and our share of DuckDB's throughput."""
    for result in (ours, duck):
        load = load_seconds(result)
        print(f"{result.name:7} process {result.seconds:6.2f} s, load {load:6.2f} s "
              f"({rows / load:11,.0f} rows/s), peak RSS {result.peak_rss_mib:6.0f} MiB")  # fmt: skip
    print(f"ours / duckdb throughput: {duck.seconds / ours.seconds:.0%} by process, "
          f"{load_seconds(duck) / load_seconds(ours):.0%} by load (target >= 50%); "
          f"peak RSS {ours.peak_rss_mib / 1024:.2f} GiB (target < 2)")  # fmt: skip


def main() -> int:
    """Generate the CSV if needed, then benchmark both engines (or run ours, as the child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=KAGGLE_RATINGS)
    parser.add_argument("--engine", choices=("ours",), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        run_ours(args.csv, args.out)
        return 0
    bench_dir = PROJECT_ROOT / "data" / "bench"
    csv_path = write_ratings(bench_dir / f"ratings_{args.rows}.csv", args.rows)
    ours = engine("ours", csv_path, bench_dir / "ingest_ours")
    duck = engine("duckdb", csv_path, bench_dir / "ingest_duckdb")
    report(args.rows, ours, duck)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
