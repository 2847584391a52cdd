"""Staging reads silver ratings as Spark published them, so its key test checks Spark's promise.

Silver `ratings` holds one row per (user, MovieLens movie): Spark keeps the latest load's (see
tests/spark/test_ratings.py). Staging does not repeat that 26M-row dedupe; a silver delivery that
breaks the promise must fail `dbt build` on the staging key test instead of being hidden.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.dbt_project.workspace import DbtWorkspace, RunDbt

from .silver_lake import BATCH_1, L0, RATINGS_BATCH_1, Row, write_silver
from .warehouse import DBT_VARS, RATINGS_KEY_TEST

pytestmark = pytest.mark.slow


def _results(workspace: DbtWorkspace, run_dbt: RunDbt, ratings: list[Row]) -> dict[str, Any]:
    write_silver(workspace.lake, replace(BATCH_1, tables={**BATCH_1.tables, "ratings": ratings}))
    result = run_dbt(["build", "--select", "stg_silver__ratings", "--vars", DBT_VARS])
    assert result.result is not None, result.exception
    return {r.node.name: r for r in result.result.results}


def _again(row: Row, **changes: Any) -> Row:
    """The row delivered once more, with another rating (and any key column changed)."""
    user, movie, movie_id, _, rated_at, _ = row
    return (changes.get("user", user), changes.get("movie", movie), movie_id, 1.0, rated_at, L0)


# The key test orders each user's rows by MovieLens id and compares neighbours (its macro says
# why); these pin that it finds what GROUP BY ... HAVING count(*) > 1 finds: one failure per key.
DUPLICATES = {
    "one pair twice": ([_again(RATINGS_BATCH_1[0])], 1),
    "one pair three times, another twice": (
        [_again(RATINGS_BATCH_1[0]), _again(RATINGS_BATCH_1[0]), _again(RATINGS_BATCH_1[-1])],
        2,
    ),
    "a user's null MovieLens id twice": (
        [_again(RATINGS_BATCH_1[0], user=99, movie=None), _again(RATINGS_BATCH_1[0], user=99, movie=None)],
        1,
    ),
    "null user ids on the same movie": (
        [_again(RATINGS_BATCH_1[0], user=None), _again(RATINGS_BATCH_1[0], user=None)],
        1,
    ),
}


@pytest.mark.parametrize("extra, failures", DUPLICATES.values(), ids=DUPLICATES.keys())
def test_a_duplicated_pair_in_silver_fails_the_staging_key_test(
    dbt_workspace: DbtWorkspace, run_dbt: RunDbt, extra: list[Row], failures: int
) -> None:
    results = _results(dbt_workspace, run_dbt, [*RATINGS_BATCH_1, *extra])

    assert str(results[RATINGS_KEY_TEST].status) == "fail"
    assert results[RATINGS_KEY_TEST].failures == failures


def test_one_user_rating_many_movies_and_one_movie_rated_by_many_users_pass(
    dbt_workspace: DbtWorkspace, run_dbt: RunDbt
) -> None:
    """Neighbours that share only the user, or only the movie, or a null beside a value, are not
    duplicates."""
    row = RATINGS_BATCH_1[0]
    distinct = [_again(row, user=99, movie=None), _again(row, user=99, movie=1), _again(row, user=None)]

    results = _results(dbt_workspace, run_dbt, [*RATINGS_BATCH_1, *distinct])

    assert str(results[RATINGS_KEY_TEST].status) == "pass"
    assert results[RATINGS_KEY_TEST].failures == 0


def test_silver_as_spark_publishes_it_passes(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> None:
    results = _results(dbt_workspace, run_dbt, RATINGS_BATCH_1)

    assert str(results["stg_silver__ratings"].status) == "success"
    assert str(results[RATINGS_KEY_TEST].status) == "pass"
