"""Late-arriving dimension rows: facts loaded long ago re-resolve when their movie arrives later.

A build over BATCH_2 leaves two ratings and one critic score without a movie: MovieLens 7's TMDB
id 424242 is not in the catalog, MovieLens 6 has no TMDB id, and no movie has IMDb id tt9999999.
BATCH_3 delivers only those dimension rows (load L3): the movie, its crosswalk row and a
movie_links row for MovieLens 6. The facts themselves were loaded in L1, outside the lookback
window of the incremental run, yet the incremental run must resolve them exactly as a
`--full-refresh` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dbt_project.workspace import DbtWorkspace, RunDbt

from .silver_lake import BATCH_2, BATCH_3, L1, L3
from .warehouse import DBT_VARS, MART_TABLES, build, query

pytestmark = pytest.mark.slow

LATE_RATINGS = (
    "select user_id, movielens_movie_id, movie_id, rating, _loaded_at from marts.fct_ratings"
    " where (user_id, movielens_movie_id) in ((1, 6), (2, 7)) order by user_id"
)
LATE_SCORE = (
    "select movie_id, critic_source, score, _loaded_at from marts.fct_critic_scores"
    " where imdb_id = 'tt9999999'"
)


@pytest.fixture(scope="module")
def warehouses(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> dict[str, Path]:
    before = build(dbt_workspace, run_dbt, BATCH_2, "before")
    incremental = build(dbt_workspace, run_dbt, BATCH_3, "incremental")
    result = run_dbt(["build", "--full-refresh", "--vars", DBT_VARS])
    assert result.success, f"dbt build --full-refresh failed: {result.exception}"
    full = build(dbt_workspace, run_dbt, BATCH_3, "after_full_refresh")
    return {"before": before, "incremental": incremental, "full": full}


def test_before_the_late_rows_the_facts_are_unresolved(warehouses: dict[str, Path]) -> None:
    assert query(warehouses["before"], LATE_RATINGS) == [(1, 6, None, 3.0, L1), (2, 7, None, 4.0, L1)]
    assert query(warehouses["before"], LATE_SCORE) == []
    assert query(warehouses["before"], "select count(*) from marts.fct_critic_scores") == [(6,)]


@pytest.mark.parametrize("build", ["incremental", "full"])
def test_ratings_resolve_through_the_late_movie_and_the_late_link(
    warehouses: dict[str, Path], build: str
) -> None:
    assert query(warehouses[build], LATE_RATINGS) == [
        (1, 6, 11520, 3.0, L1),  # late movie_links row: MovieLens 6 is Grumpy Old Men
        (2, 7, 424242, 4.0, L1),  # late catalog movie
    ]
    assert query(warehouses[build], "select count(*) from marts.fct_ratings where movie_id is null") == [(0,)]
    assert query(warehouses[build], "select count(*) from marts.fct_ratings") == [(23,)]


@pytest.mark.parametrize("build", ["incremental", "full"])
def test_the_orphaned_critic_score_joins_the_late_movie(warehouses: dict[str, Path], build: str) -> None:
    assert query(warehouses[build], LATE_SCORE) == [(424242, "rotten_tomatoes", 10.0, L1)]
    assert query(warehouses[build], "select count(*) from marts.fct_critic_scores") == [(7,)]


def test_dim_movies_holds_the_late_movie_and_the_new_crosswalk_id(warehouses: dict[str, Path]) -> None:
    rows = query(
        warehouses["incremental"],
        "select movie_id, title, movielens_movie_id, is_in_omdb, _loaded_at from marts.dim_movies"
        " where movie_id in (11520, 424242) order by movie_id",
    )
    assert rows == [(11520, "Grumpy Old Men", 6, False, L3), (424242, "Late Arrival", 7, True, L3)]


@pytest.mark.parametrize("table", MART_TABLES)
def test_incremental_run_equals_a_full_refresh(warehouses: dict[str, Path], table: str) -> None:
    sql = f"select * from marts.{table} order by all"
    incremental = query(warehouses["incremental"], sql)
    assert incremental, f"{table} is empty"
    assert query(warehouses["full"], sql) == incremental
