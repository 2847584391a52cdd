"""Staging reads silver ratings as Spark published them, so its key test checks Spark's promise.

Silver `ratings` holds one row per (user, MovieLens movie): Spark keeps the latest load's (see
tests/spark/test_ratings.py). Staging does not repeat that 26M-row dedupe; a silver delivery that
breaks the promise must fail `dbt build` on the staging key test instead of being hidden.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from .conftest import DbtWorkspace, RunDbt
from .silver_lake import BATCH_1, L0, RATINGS_BATCH_1, Row, write_silver
from .test_dbt_build import DBT_VARS

pytestmark = pytest.mark.slow

KEY_TEST = "unique_combination_of_columns_stg_silver__ratings_user_id__movielens_movie_id"


def _results(workspace: DbtWorkspace, run_dbt: RunDbt, ratings: list[Row]) -> dict[str, Any]:
    write_silver(workspace.lake, replace(BATCH_1, tables={**BATCH_1.tables, "ratings": ratings}))
    result = run_dbt(["build", "--select", "stg_silver__ratings", "--vars", DBT_VARS])
    assert result.result is not None, result.exception
    return {r.node.name: r for r in result.result.results}


def test_a_duplicated_pair_in_silver_fails_the_staging_key_test(
    dbt_workspace: DbtWorkspace, run_dbt: RunDbt
) -> None:
    user, movie, movie_id, _, rated_at, _ = RATINGS_BATCH_1[0]
    duplicated = [*RATINGS_BATCH_1, (user, movie, movie_id, 1.0, rated_at, L0)]

    results = _results(dbt_workspace, run_dbt, duplicated)

    assert str(results[KEY_TEST].status) == "fail"
    assert results[KEY_TEST].failures == 1


def test_silver_as_spark_publishes_it_passes(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> None:
    results = _results(dbt_workspace, run_dbt, RATINGS_BATCH_1)

    assert str(results["stg_silver__ratings"].status) == "success"
    assert str(results[KEY_TEST].status) == "pass"
