"""Benchmark: flatten TMDB movie details fully (our silver transforms) vs a single naive pass.

    .venv/bin/python scripts/bench_flatten.py              # 45,466 movies (Kaggle's count)
    .venv/bin/python scripts/bench_flatten.py --scale 0.1

Input: TMDB `/movie/{id}?append_to_response=credits,...` bodies for the benchmark's scaled films
(bench.generate: the real sample repeated to Kaggle's size, crew padded to Kaggle's ~10 per film),
built by the replay server's own `tmdb_detail`, landed as raw/tmdb/movies parquet the way dlt
lands them (JSON text columns). Then, on one local Spark session, in the same run:
- full: every TMDB entity the silver job writes (movies, genres, cast, crew, people, companies,
  countries, languages, collections, release dates, keywords), each written as parquet;
- naive: one row per movie with genre and cast names joined into strings and the first director
  only, what the seed projects did (and what loses billing order, characters, ids and every
  director but one).
Prints rows per table and wall time of each. Not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.generate import generate, read_text_csv  # noqa: E402
from sample.replay.catalog import tmdb_detail  # noqa: E402
from settings import Settings  # noqa: E402

LOAD_ID = "1764000000.0"


def tmdb_raw(kaggle_dir: Path, out: Path) -> int:
    """Write raw/tmdb/movies parquet for every film of a Kaggle-shaped folder; returns the row count."""
    from spark.transforms.tmdb import JSON_COLUMNS, RAW_COLUMNS

    movies = read_text_csv(kaggle_dir / "movies_metadata.csv")
    credits = read_text_csv(kaggle_dir / "credits.csv")
    by_id = {row["id"]: row for row in credits.to_pylist()}
    rows = []
    for row in movies.to_pylist():
        detail = tmdb_detail(row, by_id.get(row["id"]))
        rows.append({name: _as_text(detail.get(name), name in JSON_COLUMNS) for name in RAW_COLUMNS})
    table = pa.Table.from_pylist(rows).append_column("_dlt_load_id", pa.array([LOAD_ID] * len(rows)))
    target = out / "raw" / "tmdb" / "movies"
    target.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target / f"{LOAD_ID}.0.parquet")
    return table.num_rows


def _as_text(value: object, is_json: bool) -> str | None:
    if is_json:
        return None if value is None else json.dumps(value)
    return None if value is None else str(value)


def full_flatten(spark: object, lake: str, out: str) -> dict[str, int]:
    """Every TMDB entity of the silver job, each written as parquet; rows per entity."""
    from spark.transforms import credits, keywords, movie_lists, movies, tmdb

    raw = spark.read.parquet(f"{lake}/raw/tmdb/movies")  # type: ignore[attr-defined]
    latest = tmdb.latest_responses(tmdb.typed_tmdb(raw)).cache()
    movie_rows = movies.preferred_movies(tmdb.tmdb_movie_rows(latest)).cache()
    credit_lists = credits.preferred_credit_lists(tmdb.tmdb_credit_lists(latest)).cache()
    cast, _ = credits.movie_cast(credit_lists)
    crew, _ = credits.movie_crew(credit_lists)
    lists = movie_lists.preferred_movie_lists(tmdb.tmdb_movie_lists(latest)).cache()
    companies, _ = movie_lists.movie_companies(lists)
    entities = {
        "movies": movie_rows,
        "movie_genres": tmdb.tmdb_genres(latest, movie_rows),
        "movie_cast": cast,
        "movie_crew": crew,
        "people": credits.people(cast, crew),
        "movie_companies": companies,
        "companies": movie_lists.companies(companies),
        "movie_countries": movie_lists.movie_countries(lists)[0],
        "movie_languages": movie_lists.movie_languages(lists)[0],
        "collections": movie_lists.collections(tmdb.tmdb_collections(latest)),
        "movie_release_dates": tmdb.movie_release_dates(latest),
        "movie_keywords": keywords.movie_keywords(tmdb.tmdb_keyword_lists(latest)),
    }
    counts = {}
    for name, frame in entities.items():
        frame.write.mode("overwrite").parquet(f"{out}/{name}")
        counts[name] = spark.read.parquet(f"{out}/{name}").count()  # type: ignore[attr-defined]
    return counts


def naive_flatten(spark: object, lake: str, out: str) -> dict[str, int]:
    """One pass, one row per movie: names joined with '|', the first director only."""
    from pyspark.sql import functions as F  # noqa: N812

    from spark.transforms.credits import CREDITS
    from spark.transforms.movies import ID_NAME_LIST

    raw = spark.read.parquet(f"{lake}/raw/tmdb/movies")  # type: ignore[attr-defined]
    credits = F.from_json("credits", CREDITS)
    flat = raw.select(
        F.col("id").cast("bigint").alias("movie_id"),
        "title",
        F.concat_ws("|", F.from_json("genres", ID_NAME_LIST).getField("name")).alias("genres"),
        F.concat_ws("|", credits.getField("cast").getField("name")).alias("cast"),
        F.get(F.filter(credits.getField("crew"), lambda member: member["job"] == "Director"), 0)
        .getField("name")
        .alias("director"),
    )
    flat.write.mode("overwrite").parquet(f"{out}/movies_flat")
    return {"movies_flat": spark.read.parquet(f"{out}/movies_flat").count()}  # type: ignore[attr-defined]


def timed(name: str, call: object) -> tuple[float, dict[str, int]]:
    """Wall time and row counts of one approach."""
    started = time.perf_counter()
    counts = call()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"{name:6} {seconds:7.1f} s  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
    return seconds, counts


def main() -> int:
    """Generate (once), land raw TMDB JSON, run both approaches, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    settings = Settings()
    generated = settings.data_dir / "bench" / f"scale_{args.scale:g}"
    if not (generated / "kaggle" / "credits.csv").is_file():
        from sample.build import build_sample

        build_sample(settings.sample_dir)
        generate(settings.sample_dir, generated, args.scale)
    work = settings.data_dir / "bench" / f"flatten_{args.scale:g}"
    if not (work / "raw" / "tmdb" / "movies").is_dir():
        print(f"landed {tmdb_raw(generated / 'kaggle', work):,} TMDB details as raw parquet", flush=True)
    from spark.session import spark_session

    with spark_session("bench-flatten") as spark:
        timed("naive", lambda: naive_flatten(spark, str(work), str(work / "out_naive")))  # JVM warm for both
        full_s, _ = timed("full", lambda: full_flatten(spark, str(work), str(work / "out_full")))
        naive_s, _ = timed("naive", lambda: naive_flatten(spark, str(work), str(work / "out_naive")))
    print(f"full / naive wall time: x{full_s / naive_s:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
