"""dbt build over a hand-checked silver lake: first build, incremental upsert, no-op rerun.

Expected values are worked out by hand from silver_lake.py (min_votes m = 3):

First build, 20 ratings after dedupe (21 silver rows), sum 77, so C = 77 / 20 = 3.85.
  Toy Story (862):          v = 8, R = 4.75 -> WR = (8·4.75 + 3·3.85) / 11 = 49.55 / 11 = 4.504545
  Grumpier Old Men (15602): v = 3, R = 5    -> WR = (3·5 + 3·3.85) / 6 = 4.425
  Jumanji (8844):           v = 4, R = 3    -> WR = (4·3 + 3·3.85) / 7 = 23.55 / 7 = 3.364286
  Waiting to Exhale (v = 1) and Father of the Bride II (v = 2) have fewer than m ratings.
  The top raw average (Grumpier Old Men, 5.0 from 3 ratings) is not the top weighted rating.

Second build adds L2 rows: user 1 re-rates Jumanji 3 -> 5, user 9 rates Grumpier Old Men 4, user 5
rates Jumanji 5 in a late load inside the 3-day lookback, and user 6 rates Jumanji 1 in a load
older than the lookback (not picked up incrementally). 22 ratings, sum 88, C = 4.
  Toy Story:        WR = (8·4.75 + 3·4) / 11 = 50 / 11 = 4.545455
  Grumpier Old Men: v = 4, R = 19/4 -> WR = (19 + 12) / 7 = 4.428571
  Jumanji:          v = 5, R = 19/5 -> WR = (19 + 12) / 8 = 3.875
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from .conftest import DbtWorkspace, RunDbt
from .silver_lake import BATCH_1, BATCH_2, L1, L2, LATE_INSIDE_LOOKBACK, SilverBatch, write_silver

pytestmark = pytest.mark.slow

DBT_VARS = '{"min_votes": 3}'

MART_TABLES = (
    "dim_movies",
    "dim_genres",
    "bridge_movie_genres",
    "fct_ratings",
    "fct_movie_financials",
    "rpt_top_rated_movies",
    "rpt_genre_popularity",
)
INCREMENTAL_KEYS = {
    "dim_movies": "movie_id",
    "fct_ratings": "user_id, movielens_movie_id",
    "fct_movie_financials": "movie_id",
}


def _build(workspace: DbtWorkspace, run_dbt: RunDbt, batch: SilverBatch, name: str) -> Path:
    """Write `batch` to the lake, run `dbt build`, and return a copy of the warehouse after it."""
    write_silver(workspace.lake, batch)
    result = run_dbt(["build", "--vars", DBT_VARS])
    failures = (
        [
            f"{r.node.unique_id}: {r.status} {r.message}"
            for r in result.result.results
            if str(r.status) not in {"success", "pass"}
        ]
        if result.result is not None
        else []
    )
    assert result.success, f"dbt build ({name}) failed: {result.exception} {failures}"
    # Flush the WAL into the database file, then keep a copy to query this stage later.
    with duckdb.connect(workspace.warehouse.as_posix()) as con:
        con.execute("checkpoint")
    snapshot = workspace.warehouse.with_name(f"warehouse_{name}.duckdb")
    shutil.copyfile(workspace.warehouse, snapshot)
    return snapshot


@pytest.fixture(scope="module")
def builds(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> dict[str, Path]:
    """Warehouse snapshots after a first build, an incremental build and an identical rerun."""
    return {
        "first": _build(dbt_workspace, run_dbt, BATCH_1, "first"),
        "second": _build(dbt_workspace, run_dbt, BATCH_2, "second"),
        "third": _build(dbt_workspace, run_dbt, BATCH_2, "third"),
    }


def query(warehouse: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(warehouse.as_posix(), read_only=True) as con:
        return con.execute(sql).fetchall()


def scalar(warehouse: Path, sql: str) -> object:
    rows = query(warehouse, sql)
    assert len(rows) == 1, rows
    return rows[0][0]


# --- first build -----------------------------------------------------------------------------


def test_first_build_row_counts(builds: dict[str, Path]) -> None:
    counts = {t: scalar(builds["first"], f"select count(*) from marts.{t}") for t in MART_TABLES}
    assert counts == {
        "dim_movies": 5,
        "dim_genres": 8,  # includes Horror, whose only movie is not in the catalog
        "bridge_movie_genres": 12,
        "fct_ratings": 20,
        "fct_movie_financials": 5,
        "rpt_top_rated_movies": 3,
        "rpt_genre_popularity": 8,
    }


def test_staging_keeps_the_latest_load_per_key(builds: dict[str, Path]) -> None:
    wh = builds["first"]
    assert scalar(wh, "select title from marts.dim_movies where movie_id = 8844") == "Jumanji"
    # Three quarantine rows, two of them the same rejection from two loads.
    assert query(wh, "select layer, _loaded_at from staging.stg_silver__quarantine order by 1") == [
        ("raw", L1),
        ("silver", L1),
    ]


def test_fct_ratings_keeps_the_latest_rating_of_a_duplicated_pair(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select rating, _loaded_at from marts.fct_ratings where user_id = 4 and movielens_movie_id = 1",
    )
    assert rows == [(4.0, L1)]


def test_unresolved_ratings_keep_a_null_movie_id(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select movielens_movie_id, movie_id from marts.fct_ratings"
        " where movielens_movie_id in (2, 6, 7) and user_id in (1, 2, 4)"
        " order by movielens_movie_id, user_id",
    )
    assert rows == [
        (2, 8844),  # user 1: resolved by Spark
        (2, 8844),  # user 2: resolved by Spark
        (2, 8844),  # user 4: null in silver, resolved through movie_links
        (6, None),  # no TMDB id
        (7, None),  # TMDB id 424242 is not in the catalog
    ]
    unresolved = "select count(*) from marts.fct_ratings where movie_id is null"
    assert scalar(builds["first"], unresolved) == 2


def test_top_rated_movies_match_the_hand_computed_ranking(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select rating_rank, movie_id, title, rating_count, average_rating, weighted_rating,"
        " min_votes, mean_rating_all_movies from marts.rpt_top_rated_movies order by rating_rank",
    )
    assert rows == [
        (1, 862, "Toy Story", 8, 4.75, pytest.approx(49.55 / 11, abs=1e-6), 3, 3.85),
        (2, 15602, "Grumpier Old Men", 3, 5.0, pytest.approx(4.425, abs=1e-6), 3, 3.85),
        (3, 8844, "Jumanji", 4, 3.0, pytest.approx(23.55 / 7, abs=1e-6), 3, 3.85),
    ]


def test_genre_popularity(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select genre_name, movie_count, rating_count, average_rating, popularity_rank"
        " from marts.rpt_genre_popularity where genre_name in ('Comedy', 'Family', 'Horror')"
        " order by popularity_rank",
    )
    assert rows == [
        # Comedy: Toy Story 8 (sum 38) + Grumpier 3 (15) + Waiting 1 (2) + Father II 2 (3).
        ("Comedy", 4, 14, pytest.approx(58 / 14, abs=1e-6), 1),
        # Family: Toy Story 8 (38) + Jumanji 4 (12).
        ("Family", 2, 12, pytest.approx(50 / 12, abs=1e-6), 2),
        ("Horror", 0, 0, None, 8),
    ]


def test_movie_financials_profit_and_roi(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select movie_id, profit_nominal, profit_adjusted, roi from marts.fct_movie_financials"
        " where movie_id in (862, 15602, 11862) order by movie_id",
    )
    assert rows == [
        (862, 343_554_033.0, 687_108_066.0, pytest.approx(343_554_033 / 30_000_000)),
        (11862, None, None, None),  # revenue unknown
        (15602, None, None, None),  # budget unknown
    ]


# --- second build: incremental upsert ---------------------------------------------------------


def test_incremental_build_upserts_ratings(builds: dict[str, Path]) -> None:
    wh = builds["second"]
    assert scalar(wh, "select count(*) from marts.fct_ratings") == 22
    rows = query(
        wh,
        "select user_id, movielens_movie_id, rating, _loaded_at from marts.fct_ratings"
        " where (user_id, movielens_movie_id) in ((1, 2), (9, 3), (5, 2), (6, 2))"
        " order by user_id",
    )
    assert rows == [
        (1, 2, 5.0, L2),  # changed rating updated in place
        (5, 2, 5.0, LATE_INSIDE_LOOKBACK),  # late row inside the lookback window merged
        (9, 3, 4.0, L2),  # new rating inserted
        # No user 6: that rating was loaded before the lookback window, so an incremental run
        # skips it (a --full-refresh would pick it up).
    ]


def test_incremental_build_updates_the_changed_movie(builds: dict[str, Path]) -> None:
    wh = builds["second"]
    assert scalar(wh, "select count(*) from marts.dim_movies") == 5
    assert query(wh, "select title, _loaded_at from marts.dim_movies where movie_id = 8844") == [
        ("Jumanji (1995)", L2)
    ]
    assert scalar(wh, "select title from marts.dim_movies where movie_id = 862") == "Toy Story"


def test_incremental_build_refreshes_the_report(builds: dict[str, Path]) -> None:
    rows = query(
        builds["second"],
        "select movie_id, title, rating_count, weighted_rating, mean_rating_all_movies"
        " from marts.rpt_top_rated_movies order by rating_rank",
    )
    assert rows == [
        (862, "Toy Story", 8, pytest.approx(50 / 11, abs=1e-6), 4.0),
        (15602, "Grumpier Old Men", 4, pytest.approx(31 / 7, abs=1e-6), 4.0),
        (8844, "Jumanji (1995)", 5, pytest.approx(3.875, abs=1e-6), 4.0),
    ]


@pytest.mark.parametrize("stage", ["second", "third"])
@pytest.mark.parametrize(("table", "key"), INCREMENTAL_KEYS.items())
def test_incremental_models_have_no_duplicate_keys(
    builds: dict[str, Path], stage: str, table: str, key: str
) -> None:
    duplicates = query(
        builds[stage],
        f"select {key}, count(*) from marts.{table} group by {key} having count(*) > 1",
    )
    assert duplicates == []


# --- third build: same silver, nothing changes ------------------------------------------------


@pytest.mark.parametrize("table", MART_TABLES)
def test_rerun_on_unchanged_silver_changes_nothing(builds: dict[str, Path], table: str) -> None:
    sql = f"select * from marts.{table} order by all"
    second = query(builds["second"], sql)
    assert second, f"{table} is empty"
    assert query(builds["third"], sql) == second
