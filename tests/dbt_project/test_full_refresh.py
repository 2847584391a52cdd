"""`dbt build --full-refresh` and the incremental path end with identical marts.

The incremental run reads only rows loaded inside the lookback window; the one kind of row it is
allowed to miss is a row loaded before that window (silver_lake.LATE_OUTSIDE_LOOKBACK), which
silver_lake.BATCH_2_IN_WINDOW leaves out, so every mart must match a full rebuild row for row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dbt_project.workspace import DbtWorkspace, RunDbt

from .silver_lake import BATCH_1, BATCH_2, BATCH_2_IN_WINDOW
from .warehouse import DBT_VARS, MART_TABLES, build, query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouses(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> dict[str, Path]:
    build(dbt_workspace, run_dbt, BATCH_1, "first")
    incremental = build(dbt_workspace, run_dbt, BATCH_2_IN_WINDOW, "incremental")
    result = run_dbt(["build", "--full-refresh", "--vars", DBT_VARS])
    assert result.success, f"dbt build --full-refresh failed: {result.exception}"
    full = build(dbt_workspace, run_dbt, BATCH_2_IN_WINDOW, "after_full_refresh")
    return {"incremental": incremental, "full": full}


def test_the_late_row_outside_the_window_is_the_only_one_left_out() -> None:
    dropped = len(BATCH_2.tables["ratings"]) - len(BATCH_2_IN_WINDOW.tables["ratings"])
    assert dropped == 1


@pytest.mark.parametrize("table", MART_TABLES)
def test_full_refresh_equals_the_incremental_build(warehouses: dict[str, Path], table: str) -> None:
    sql = f"select * from marts.{table} order by all"
    incremental = query(warehouses["incremental"], sql)
    assert incremental, f"{table} is empty"
    assert query(warehouses["full"], sql) == incremental


def test_both_hold_the_second_batch(warehouses: dict[str, Path]) -> None:
    """The comparison is not vacuous: both paths applied the second batch's upserts."""
    jumanji_user_1 = "select rating from marts.fct_ratings where user_id = 1 and movielens_movie_id = 2"
    jumanji_tomatoes = (
        "select score from marts.fct_critic_scores"
        " where movie_id = 8844 and critic_source = 'rotten_tomatoes'"
    )
    for warehouse in warehouses.values():
        assert query(warehouse, "select count(*) from marts.fct_ratings") == [(22,)]
        assert query(warehouse, jumanji_user_1) == [(5.0,)]
        assert query(warehouse, jumanji_tomatoes) == [(54.0,)]
