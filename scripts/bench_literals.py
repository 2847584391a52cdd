"""Benchmark: Kaggle's Python-literal columns parsed without eval, against Spark's JSON floor.

    .venv/bin/python scripts/bench_literals.py              # 45,466 films (Kaggle's count)
    .venv/bin/python scripts/bench_literals.py --scale 0.1

Input: the benchmark's Kaggle-shaped credits.csv (bench.generate: crew padded to Kaggle's size)
and movies_metadata.csv. Measured in one run, on one local Spark session:
- python: `literal_to_json` over every value, in one process (what one core does);
- spark literal: `with_parsed_literal` (the pandas UDF the silver job uses) over the same columns,
  typed with the silver schemas, every row materialised;
- spark json floor: `from_json` over the same values already as JSON (the cost if Kaggle had
  shipped JSON): the part of the work that is Spark's, not the literal parser's.
Prints values, bytes, wall time and throughput of each. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.generate import generate, read_text_csv  # noqa: E402
from settings import Settings  # noqa: E402

COLUMNS = {  # file: literal columns the silver job parses
    "credits.csv": ("cast", "crew"),
    "movies_metadata.csv": ("genres", "production_companies", "production_countries", "spoken_languages"),
}


def literal_texts(kaggle_dir: Path) -> pa.Table:
    """(column, text) for every non-blank literal value of the parsed columns."""
    parts = []
    for file, columns in COLUMNS.items():
        table = read_text_csv(kaggle_dir / file)
        for column in columns:
            values = [value for value in table[column].to_pylist() if value and value.strip()]
            parts.append(pa.table({"column": [column] * len(values), "text": values}))
    return pa.concat_tables(parts)


def time_python(texts: list[str]) -> tuple[float, list[str | None]]:
    from spark.transforms.literals import literal_to_json

    started = time.perf_counter()
    parsed = [literal_to_json(text)[0] for text in texts]
    return time.perf_counter() - started, parsed


def time_spark(source: Path, json_source: Path) -> tuple[float, float]:
    """(seconds for the literal UDF path, seconds for from_json on the same values as JSON)."""
    from pyspark.sql import functions as F  # noqa: N812

    from spark.session import spark_session
    from spark.transforms.credits import CAST_LIST
    from spark.transforms.literals import with_parsed_literal

    with spark_session("bench-literals", lake_url=str(Settings().lake_url)) as spark:
        frame = spark.read.parquet(str(source))
        frame.count()  # warm the session and the file listing
        started = time.perf_counter()
        parsed = with_parsed_literal(frame, "text", CAST_LIST, "value")
        parsed.select(F.size("value").alias("n"), "value_error").write.format("noop").mode("overwrite").save()
        literal_s = time.perf_counter() - started
        started = time.perf_counter()
        typed = spark.read.parquet(str(json_source)).select(F.from_json("json", CAST_LIST).alias("value"))
        typed.select(F.size("value").alias("n")).write.format("noop").mode("overwrite").save()
        return literal_s, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "data" / "bench")
    args = parser.parse_args(argv)
    generated = generate(PROJECT_ROOT / "data" / "sample", args.data / f"scale_{args.scale:g}", args.scale)
    texts = literal_texts(generated / "kaggle")
    values = texts["text"].to_pylist()
    megabytes = sum(len(value) for value in values) / 1e6
    python_s, as_json = time_python(values)
    with tempfile.TemporaryDirectory(dir=args.data) as scratch:
        source, json_source = Path(scratch) / "literals.parquet", Path(scratch) / "json.parquet"
        pq.write_table(texts, source)
        pq.write_table(pa.table({"json": as_json}), json_source)
        literal_s, json_s = time_spark(source, json_source)
    print(f"{len(values):,} literal values, {megabytes:,.0f} MB of text")
    for name, seconds in (("python, one core", python_s), ("spark literal UDF", literal_s),
                          ("spark from_json floor", json_s)):  # fmt: skip
        rate = f"{megabytes / seconds:7.1f} MB/s  {len(values) / seconds:10,.0f} values/s"
        print(f"{name:22} {seconds:7.1f} s  {rate}")
    print(f"literal UDF / JSON floor: {literal_s / json_s:.1f}x the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
