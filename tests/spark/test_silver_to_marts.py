"""Silver as the Spark job writes it, then the marts as dbt builds them incrementally on it.

The fixtures of the incremental dbt run are the silver job's own output, not hand-written silver
rows. A month after the first delivery a new film arrives, so the first films' rows fall out of dbt's
lookback window; the next day FRED publishes a new CPI month, so the default base month moves, and a
MovieLens link arrives for a film that had none.
The incremental build must then equal a `--full-refresh` build of the same silver: one base month
in every money table, and the new link in `dim_movies`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pyspark.sql import SparkSession

from flows.dbt_runner import run_dbt
from spark.jobs.silver import build_silver
from tests.spark import raw_frames
from tests.spark.deliveries import JUMANJI, TOY_STORY, write_raw
from tests.spark.raw_frames import L1

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
LATER = str(float(L1) + 30 * 86_400)  # a load a month after the first: outside the 3-day lookback
NEXT_DAY = str(float(LATER) + 86_400)
MONEY = "select movie_id, base_month, budget_adjusted, revenue_adjusted from marts.fct_movie_financials"
MOVIES = "select movie_id, movielens_movie_id, imdb_id from marts.dim_movies"
MONEY_REPORTS = ("rpt_release_month_box_office", "rpt_release_quarter_box_office",
                 "rpt_genre_adjusted_revenue", "rpt_roi_leaders", "rpt_franchise_vs_standalone")  # fmt: skip


def _first_delivery(spark: SparkSession, lake: Path) -> None:
    write_raw(lake, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, [TOY_STORY, JUMANJI]))
    write_raw(lake, "kaggle", "links", raw_frames.links(spark, [("1", "0114709", "862", L1)]))
    write_raw(lake, "kaggle", "credits", raw_frames.credits(spark, [("[]", "[]", "862", L1)]))
    write_raw(lake, "kaggle", "ratings", raw_frames.ratings(spark, [(1, 1, 4.0, 100, L1)]))
    cpi = [(date(1995, month, 1), 150.0 + month, L1) for month in range(1, 13)]
    write_raw(lake, "fred", "cpiaucsl", raw_frames.cpi(spark, [*cpi, (date(2017, 7, 1), 244.0, L1)]))


def _a_new_film_a_month_later(spark: SparkSession, lake: Path) -> None:
    """The marts' newest load moves on a month: the first films' rows fall out of the lookback window."""
    film = {**JUMANJI, "id": "15602", "imdb_id": "tt0113228", "title": "Grumpier Old Men",
            "release_date": "1995-12-22", "_dlt_load_id": LATER,
            "belongs_to_collection": "{'id': 119050, 'name': 'Grumpy Old Men Collection'}"}  # fmt: skip
    write_raw(lake, "kaggle", "movies_metadata", raw_frames.movies_metadata(spark, [film]))


def _a_cpi_month_and_a_link_the_next_day(spark: SparkSession, lake: Path) -> None:
    write_raw(lake, "fred", "cpiaucsl", raw_frames.cpi(spark, [(date(2017, 8, 1), 245.0, NEXT_DAY)]))
    links = [("1", "0114709", "862", NEXT_DAY), ("2", "0113497", "8844", NEXT_DAY)]  # Jumanji's is new
    write_raw(lake, "kaggle", "links", raw_frames.links(spark, links))


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return sorted(con.sql(sql).fetchall(), key=repr)


@pytest.fixture(scope="module")
def marts(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("silver_to_marts")
    lake, warehouse = root / "lake", root / "warehouse.duckdb"

    def dbt_build(*args: str) -> None:
        run_dbt(["build", *args, "--log-path", str(root / "logs")], PROJECT, "duckdb", root / "target")

    def copy(name: str) -> Path:
        shutil.copyfile(warehouse, root / f"{name}.duckdb")
        return root / f"{name}.duckdb"

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOVIES_LAKE", lake.as_posix())
        patch.setenv("MOVIES_WAREHOUSE", warehouse.as_posix())
        _first_delivery(spark, lake)
        build_silver(spark, str(lake))
        dbt_build()
        first = copy("first")
        for delivery in (_a_new_film_a_month_later, _a_cpi_month_and_a_link_the_next_day):
            delivery(spark, lake)
            build_silver(spark, str(lake))
            dbt_build()
        incremental = copy("incremental")
        dbt_build("--full-refresh")
        yield {"first": first, "incremental": incremental, "full": copy("full")}


def test_a_new_cpi_month_moves_every_fact_row_to_the_new_base_month(marts: dict[str, Any]) -> None:
    assert {row[1] for row in _query(marts["first"], MONEY)} == {date(2017, 7, 1)}
    incremental = _query(marts["incremental"], MONEY)
    assert {row[1] for row in incremental} == {date(2017, 8, 1)}
    assert len(incremental) == 3
    assert incremental == _query(marts["full"], MONEY)


def test_every_money_report_equals_the_full_refresh_build(marts: dict[str, Any]) -> None:
    # The month and quarter reports read staging, the others the fact: a fact left on the old base
    # month would make them disagree with each other and with a rebuild.
    for report in MONEY_REPORTS:
        rows = _query(marts["incremental"], f"select * from marts.{report}")
        assert rows == _query(marts["full"], f"select * from marts.{report}"), report
        assert rows or report == "rpt_roi_leaders", report
    assert _query(marts["incremental"], "select * from marts.rpt_genre_adjusted_revenue") != _query(
        marts["first"], "select * from marts.rpt_genre_adjusted_revenue"
    )  # the new base month is in it


def test_a_new_movielens_link_reaches_dim_movies(marts: dict[str, Any]) -> None:
    assert set(_query(marts["first"], MOVIES)) == {(862, 1, "tt0114709"), (8844, None, "tt0113497")}
    incremental = _query(marts["incremental"], MOVIES)
    assert set(incremental) == {(862, 1, "tt0114709"), (8844, 2, "tt0113497"), (15602, None, "tt0113228")}
    assert incremental == _query(marts["full"], MOVIES)
