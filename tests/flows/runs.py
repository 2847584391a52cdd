"""Whole-flow runs as the tests make them: `movies run` in a child process, the dummy API keys the
fake APIs accept, and what a run leaves behind (mart fingerprints, raw files, silver commits)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from lakehouse.catalog import catalog_for
from lakehouse.duckdb import metadata_locations
from sample.replay.server import ReplayServer

# Dummy API keys: the fake APIs accept only these, and no file or log line a run writes may hold them.
OMDB_KEY = "dummy-omdb-key-for-the-leak-test"
TMDB_TOKEN = "dummy-tmdb-token-for-the-leak-test"
MARTS = ("dim_movies", "dim_genres", "bridge_movie_genres", "fct_ratings", "fct_movie_financials",
         "rpt_top_rated_movies", "rpt_genre_popularity")  # fmt: skip


def movies_run(
    data_dir: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`movies run` in a subprocess with its own data dir (and so its own Prefect home and lock)."""
    env = {**os.environ, "MOVIES_DATA_DIR": str(data_dir), **(env or {})}
    movies = Path(sys.executable).parent / "movies"
    result = subprocess.run(
        [str(movies), "run", *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return result


def fingerprints(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content hash per mart (ignoring nothing)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        prints = {}
        for mart in MARTS:
            rows = con.sql(f"select * from marts.{mart}").fetchall()
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            prints[mart] = (len(rows), digest)
        return prints


def raw_files(data_dir: Path) -> list[str]:
    """Every parquet file under raw/, relative to the data dir."""
    return sorted(str(p.relative_to(data_dir)) for p in (data_dir / "lake" / "raw").rglob("*.parquet"))


def silver_commits(data_dir: Path) -> dict[str, str]:
    """The metadata file each silver Iceberg table is at: any commit to a table changes it."""
    return metadata_locations(catalog_for(str(data_dir / "lake")))


def keyed_api_env(api: ReplayServer) -> dict[str, str]:
    """The environment of a run that reaches the APIs with keys, as against the real services: the
    fake APIs' addresses and the dummy keys they accept (tests/flows/test_secrets.py looks for them)."""
    return {
        "SOURCES__OMDB__API_KEY": OMDB_KEY,
        "SOURCES__TMDB__ACCESS_TOKEN": TMDB_TOKEN,
        "SOURCES__OMDB__BASE_URL": f"{api.url}/",
        "SOURCES__TMDB__BASE_URL": f"{api.url}/3",
        "SOURCES__YTS__BASE_URL": f"{api.url}/api/v2",
        **{f"SOURCES__{name}__REQUESTS_PER_SECOND": "0" for name in ("OMDB", "TMDB", "YTS")},
    }


def broken_ratings_run(data_dir: Path, delivery: Path, env: dict[str, str]) -> dict[str, object]:
    """A third run whose Kaggle delivery rates three films 7 stars: it must stop at the raw checks."""
    shutil.copytree(data_dir / "sample", delivery, dirs_exist_ok=True)
    ratings = delivery / "kaggle" / "ratings.csv"
    lines = ratings.read_text().splitlines()
    for index in (1, 2, 3):
        user, movie, _, stamp = lines[index].split(",")
        lines[index] = f"{user},{movie},7.0,{stamp}"
    ratings.write_text("\n".join(lines) + "\n")
    silver_before = silver_commits(data_dir)
    result = movies_run(
        data_dir, "--skip-sample", check=False, env={**env, "MOVIES_FILES_DIR": str(delivery)}
    )
    marts = fingerprints(data_dir / "warehouse.duckdb")
    return {"result": result, "marts": marts, "raw": raw_files(data_dir),
            "silver_before": silver_before, "report": (data_dir / "reports" / "run_report.md").read_text(),
            "silver_after": silver_commits(data_dir)}  # fmt: skip
