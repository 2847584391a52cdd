"""dbt build over a hand-checked silver lake: first build, incremental upsert, no-op rerun.

Expected values are worked out by hand from silver_lake.py (min_votes m = 3):

First build, 20 ratings (silver holds one row per pair), sum 77, so C = 77 / 20 = 3.85.
  Toy Story (862):          v = 8, R = 4.75 -> WR = (8·4.75 + 3·3.85) / 11 = 49.55 / 11 = 4.504545
  Grumpier Old Men (15602): v = 3, R = 5    -> WR = (3·5 + 3·3.85) / 6 = 4.425
  Jumanji (8844):           v = 4, R = 3    -> WR = (4·3 + 3·3.85) / 7 = 23.55 / 7 = 3.364286
  Waiting to Exhale (v = 1) and Father of the Bride II (v = 2) have fewer than m ratings.
  The top raw average (Grumpier Old Men, 5.0 from 3 ratings) is not the top weighted rating.

Second build adds L2 rows: user 1 re-rates Jumanji 3 -> 5, user 9 rates Grumpier Old Men 4, user 5
rates Jumanji 5 in a late load inside the 3-day lookback, and user 6 rates Jumanji 1 in a load
older than the lookback (not picked up incrementally). 22 ratings, sum 88, C = 4. Silver also holds
some rows twice, as a retried load leaves them (silver_lake.RETRIED): staging keeps one, so every
value below is what it would be without them (test_trino.py checks those keys on both engines).
  Toy Story:        WR = (8·4.75 + 3·4) / 11 = 50 / 11 = 4.545455
  Grumpier Old Men: v = 4, R = 19/4 -> WR = (19 + 12) / 7 = 4.428571
  Jumanji:          v = 5, R = 19/5 -> WR = (19 + 12) / 8 = 3.875

Money (every fixture film has inflation factor 2, so adjusted = 2 x nominal; revenue_adjusted):
  Toy Story 862        1995-10-30  747,108,066   budget  60,000,000  ROI 343,554,033 / 30M = 11.451801
  Jumanji 8844         1995-12-15  525,594,498   budget 130,000,000  ROI 197,797,249 / 65M =  3.043035
  Grumpier 15602       1995-12-22  143,000,000   budget unknown      ROI null
  Waiting 31357        1995-12-22  162,904,312   budget  32,000,000  ROI  65,452,156 / 16M =  4.090760
  Father II 11862      1995-02-10  unknown       budget  24,000,000  ROI null
  Toy Story 2 863      1999-11-24  994,733,738   budget 180,000,000  ROI 407,366,869 / 90M =  4.526299
  Grumpy Old Men 11520 1993-12-22  140,345,242   budget  50,000,000  ROI  45,172,621 / 25M =  1.806905
Collections: Toy Story (862, 863), Grumpy Old Men (15602, 11520), Father of the Bride (11862 only).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from lakehouse.catalog import catalog_for
from lakehouse.duckdb import create_silver_views
from tests.dbt_project.workspace import DbtWorkspace, RunDbt

from .silver_lake import BATCH_1, BATCH_2, L1, L2, LATE_INSIDE_LOOKBACK
from .warehouse import DBT_VARS, MART_TABLES, attached, build, query, scalar

pytestmark = pytest.mark.slow

INCREMENTAL_KEYS = {
    "dim_movies": "movie_id",
    "fct_ratings": "user_id, movielens_movie_id",
    "fct_movie_financials": "movie_id",
    "fct_critic_scores": "movie_id, critic_source",
}


@pytest.fixture(scope="module")
def builds(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> dict[str, Path]:
    """Warehouse snapshots after a first build, an incremental build and an identical rerun."""
    return {
        "first": build(dbt_workspace, run_dbt, BATCH_1, "first"),
        "second": build(dbt_workspace, run_dbt, BATCH_2, "second"),
        "third": build(dbt_workspace, run_dbt, BATCH_2, "third"),
    }


# --- first build -----------------------------------------------------------------------------


def test_first_build_row_counts(builds: dict[str, Path]) -> None:
    counts = {t: scalar(builds["first"], f"select count(*) from marts.{t}") for t in MART_TABLES}
    assert counts == {
        "dim_movies": 7,
        "dim_genres": 8,  # includes Horror, whose only movie is not in the catalog
        "bridge_movie_genres": 12,
        "fct_ratings": 20,
        "fct_movie_financials": 7,
        "rpt_top_rated_movies": 3,
        "rpt_genre_popularity": 8,
        # 1993-01-01 .. 2015-12-31 (Grumpy Old Men's year .. the ratings' year): 23 years, 5 leap.
        "dim_dates": 23 * 365 + 5,
        "rpt_release_month_box_office": 12,
        "rpt_release_quarter_box_office": 4,
        "rpt_genre_adjusted_revenue": 8,
        "rpt_roi_leaders": 4,
        "rpt_franchise_vs_standalone": 2,
        "rpt_top_franchises": 2,
        "dim_people": 10,
        "dim_companies": 3,
        "dim_collections": 3,
        "dim_languages": 2,
        "dim_movie_external_ids": 3,  # Jumanji's Wikidata id delivered twice; 5555 is not catalogued
        "bridge_movie_cast": 10,
        "bridge_movie_crew": 7,
        "bridge_movie_companies": 4,
        "fct_critic_scores": 5,  # tt9999999's score has no movie
        "fct_quarantined_records": 3,
        "rpt_top_directors": 1,
        "fct_movie_performance": 7,
        "fct_genre_movies": 12,
        "fct_director_movies": 6,
        "fct_genre_ratings": 47,
        "rpt_genre_roi": 5,
        "rpt_release_year_money": 3,
        "rpt_rating_distribution": 5,
        "bridge_movie_languages": 4,
        "dim_countries": 3,  # FR comes from a movie outside the catalog
        "bridge_movie_countries": 4,
        "dim_keywords": 3,
        "bridge_movie_keywords": 4,
        "fct_movie_release_dates": 4,
        "dim_omdb_movies": 2,  # tt9999999 has no movie in this batch
        "dim_yts_movies": 2,  # YTS 200 stays, unresolved
        "fct_yts_torrents": 3,
        "rpt_entity_resolution": 4,
        "fct_movie_id_conflicts": 2,
    }


def test_external_ids_one_row_per_movie_and_source(builds: dict[str, Path]) -> None:
    assert query(builds["first"], "select * from marts.dim_movie_external_ids order by 1, 2") == [
        (862, "imdb", "tt0114709"), (862, "wikidata", "Q171048"), (8844, "wikidata", "Q207451")
    ]  # fmt: skip


def test_staging_keeps_the_latest_load_per_key(builds: dict[str, Path]) -> None:
    wh = builds["first"]
    assert scalar(wh, "select title from marts.dim_movies where movie_id = 8844") == "Jumanji"
    # Four quarantine rows, two of them the same rejection from two loads.
    assert query(wh, "select layer, _loaded_at from staging.stg_silver__quarantine order by 1, 2") == [
        ("raw", L1),
        ("silver", L1),
        ("silver", L1),
    ]


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


def test_dim_dates_calendar_attributes(builds: dict[str, Path]) -> None:
    wh = builds["first"]
    assert query(wh, "select min(date_day), max(date_day) from marts.dim_dates") == [
        (date(1993, 1, 1), date(2015, 12, 31))
    ]
    rows = query(
        wh,
        "select date_day, week_start_date, month_start_date, month_number, month_name,"
        " quarter_number, year_number, weekday_number, weekday_name, is_weekend"
        " from marts.dim_dates where date_day in ('1995-12-22', '2000-01-01', '1996-02-29')"
        " order by date_day",
    )
    assert rows == [
        # A Friday; its ISO week starts on Monday 18 December.
        (date(1995, 12, 22), date(1995, 12, 18), date(1995, 12, 1), 12, "December", 4, 1995, 5,
         "Friday", False),
        # Leap day, a Thursday.
        (date(1996, 2, 29), date(1996, 2, 26), date(1996, 2, 1), 2, "February", 1, 1996, 4,
         "Thursday", False),
        # A Saturday whose week started in the previous year.
        (date(2000, 1, 1), date(1999, 12, 27), date(2000, 1, 1), 1, "January", 1, 2000, 6,
         "Saturday", True),
    ]  # fmt: skip


def test_release_month_box_office(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select release_month_number, release_month_name, film_count, first_of_january_film_count,"
        " total_revenue_adjusted, median_revenue_adjusted, mean_revenue_adjusted"
        " from marts.rpt_release_month_box_office"
        " where release_month_number in (2, 10, 11, 12) order by release_month_number",
    )
    assert rows == [
        # Father of the Bride II (February) has no known revenue: no film counted.
        (2, "February", 0, 0, None, None, None),
        (10, "October", 1, 0, 747_108_066.0, 747_108_066.0, 747_108_066.0),
        (11, "November", 1, 0, 994_733_738.0, 994_733_738.0, 994_733_738.0),
        # December (1993 and 1995 together): 140,345,242 / 143,000,000 / 162,904,312 /
        # 525,594,498 -> median (143,000,000 + 162,904,312) / 2, mean 971,844,052 / 4.
        (12, "December", 4, 0, 971_844_052.0, 152_952_156.0, 242_961_013.0),
    ]
    assert scalar(builds["first"], "select sum(film_count) from marts.rpt_release_month_box_office") == 6


def test_release_quarter_box_office(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select release_quarter_number, release_quarter_name, film_count, total_revenue_adjusted,"
        " median_revenue_adjusted, mean_revenue_adjusted"
        " from marts.rpt_release_quarter_box_office order by release_quarter_number",
    )
    assert rows == [
        (1, "Q1", 0, None, None, None),
        (2, "Q2", 0, None, None, None),
        (3, "Q3", 0, None, None, None),
        # Q4: the six films with revenue; middle two 162,904,312 and 525,594,498.
        (4, "Q4", 6, 2_713_685_856.0, 344_249_405.0, 452_280_976.0),
    ]


def test_genre_adjusted_revenue(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select revenue_rank, genre_name, film_count, films_with_revenue_count,"
        " total_revenue_adjusted, median_revenue_adjusted, mean_revenue_adjusted"
        " from marts.rpt_genre_adjusted_revenue order by revenue_rank",
    )
    assert rows == [
        # Family: Toy Story + Jumanji.
        (1, "Family", 2, 2, 1_272_702_564.0, 636_351_282.0, 636_351_282.0),
        # Comedy: Toy Story, Grumpier, Waiting (Father II has no revenue).
        (2, "Comedy", 4, 3, 1_053_012_378.0, 162_904_312.0, 351_004_126.0),
        (3, "Animation", 1, 1, 747_108_066.0, 747_108_066.0, 747_108_066.0),
        # Adventure and Fantasy tie on Jumanji alone: by name.
        (4, "Adventure", 1, 1, 525_594_498.0, 525_594_498.0, 525_594_498.0),
        (5, "Fantasy", 1, 1, 525_594_498.0, 525_594_498.0, 525_594_498.0),
        # Romance: Grumpier + Waiting.
        (6, "Romance", 2, 2, 305_904_312.0, 152_952_156.0, 152_952_156.0),
        (7, "Drama", 1, 1, 162_904_312.0, 162_904_312.0, 162_904_312.0),
        (8, "Horror", 0, 0, None, None, None),
    ]


def test_roi_leaders_rank_films_above_the_budget_floor(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select roi_rank, movie_id, budget_adjusted, roi, min_budget_adjusted"
        " from marts.rpt_roi_leaders order by roi_rank",
    )
    # Waiting to Exhale (ROI 4.09) has a 32M adjusted budget, under the 40M floor; Father II and
    # Grumpier have no ROI.
    assert rows == [
        (1, 862, 60_000_000.0, pytest.approx(11.451801, abs=1e-6), 40_000_000.0),
        (2, 863, 180_000_000.0, pytest.approx(4.526299, abs=1e-6), 40_000_000.0),
        (3, 8844, 130_000_000.0, pytest.approx(3.043035, abs=1e-6), 40_000_000.0),
        (4, 11520, 50_000_000.0, pytest.approx(1.806905, abs=1e-6), 40_000_000.0),
    ]


def test_franchise_vs_standalone(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select movie_type, film_count, films_with_revenue_count, avg_revenue_adjusted,"
        " films_with_budget_count, avg_budget_adjusted, rating_count, avg_rating,"
        " films_with_roi_count, avg_roi from marts.rpt_franchise_vs_standalone order by movie_type",
    )
    assert rows == [
        # Franchise: Toy Story, Grumpier, Father II, Toy Story 2, Grumpy Old Men.
        # Revenue: (747,108,066 + 143,000,000 + 994,733,738 + 140,345,242) / 4.
        # Budget: (60M + 24M + 180M + 50M) / 4. Ratings: Toy Story 8 (sum 38), Grumpier 3 (15),
        # Father II 2 (3) -> 56 / 13. ROI: Toy Story, Toy Story 2, Grumpy Old Men.
        ("franchise", 5, 4, 506_296_761.5, 4, 78_500_000.0, 13,
         pytest.approx(56 / 13, abs=1e-6), 3,
         pytest.approx((11.451801 + 4.526299 + 1.806905) / 3, abs=1e-6)),
        # Standalone: Jumanji and Waiting. Ratings: Jumanji 4 (sum 12), Waiting 1 (2) -> 14 / 5.
        ("standalone", 2, 2, 344_249_405.0, 2, 81_000_000.0, 5, 2.8, 2,
         pytest.approx((3.043035 + 4.090760) / 2, abs=1e-6)),
    ]  # fmt: skip


def test_top_franchises(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select franchise_rank, collection_id, collection_name, film_count,"
        " films_with_revenue_count, total_revenue_adjusted, total_budget_adjusted,"
        " first_release_year, last_release_year from marts.rpt_top_franchises order by 1",
    )
    # Father of the Bride has one film in the catalog and is not a franchise here.
    assert rows == [
        (1, 10194, "Toy Story Collection", 2, 2, 1_741_841_804.0, 240_000_000.0, 1995, 1999),
        # Grumpier's budget is unknown: the budget total is Grumpy Old Men's alone.
        (2, 119050, "Grumpy Old Men Collection", 2, 2, 283_345_242.0, 50_000_000.0, 1993, 1995),
    ]


def test_snapshot_first_build_has_one_open_version_per_movie(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select count(*), count(distinct movie_id), count(dbt_valid_to), min(dbt_valid_from),"
        " max(dbt_valid_from) from snapshots.snap_movies",
    )
    assert rows == [(7, 7, 0, L1, L1)]


@pytest.mark.parametrize(
    ("dbt_vars", "message"),
    [
        (json.dumps({"roi_min_budget": "1000000 or 1 = 1"}), "var 'roi_min_budget' must be a number"),
        (json.dumps({"dim_dates_start_date": "2000-01-01' or '1"}), "must be a date YYYY-MM-DD"),
    ],
)
def test_vars_that_are_not_plain_values_stop_compilation(
    builds: dict[str, Path], run_dbt: RunDbt, dbt_vars: str, message: str
) -> None:
    result = run_dbt(["compile", "--select", "rpt_roi_leaders dim_dates", "--vars", dbt_vars])
    assert not result.success
    messages = [str(result.exception)]
    if result.result is not None:
        messages += [str(r.message) for r in result.result.results]
    assert any(message in m for m in messages), messages


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
    assert scalar(wh, "select count(*) from marts.dim_movies") == 7
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


def _against(warehouse: Path, lake: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of `sql` against a snapshot as the next dbt run sees it: on a copy whose silver views
    are pointed at the lake's current tables, as lakehouse.dbt_plugin does when dbt opens it."""
    copy = warehouse.with_name(f"{warehouse.stem}_against.duckdb")
    shutil.copyfile(warehouse, copy)
    try:
        with attached(copy, read_only=False) as con:
            create_silver_views(con, catalog_for(lake.as_posix()))
            return sorted(con.execute(sql).fetchall())
    finally:
        copy.unlink()


def test_incremental_run_merges_only_the_ratings_that_change(
    builds: dict[str, Path], dbt_workspace: DbtWorkspace, run_dbt: RunDbt
) -> None:
    """After the first build, batch 2's lookback window re-reads every L1 rating; only the three
    that are new or changed may be merged. After the second build, nothing is left to merge."""
    result = run_dbt(["compile", "--select", "fct_ratings", "--vars", DBT_VARS])
    assert result.success, result.exception
    compiled = dbt_workspace.target_path / "compiled/movie_warehouse/models/marts/core/fct_ratings.sql"
    sql = compiled.read_text(encoding="utf-8")
    assert "left join stored" in sql  # compiled as an incremental run: the warehouse holds the table
    window = _against(
        builds["first"],
        dbt_workspace.lake,
        "select count(*) from warehouse.intermediate.int_ratings_resolved where _loaded_at"
        " >= (select max(_loaded_at) - interval 3 day from warehouse.marts.fct_ratings)",
    )
    assert window == [(22,)]  # the window the merge used to take whole
    batch = f"select user_id, movielens_movie_id, rating from ({sql})"
    assert _against(builds["first"], dbt_workspace.lake, batch) == [(1, 2, 5.0), (5, 2, 5.0), (9, 3, 4.0)]
    assert _against(builds["third"], dbt_workspace.lake, batch) == []


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


def test_snapshot_records_a_version_when_a_tracked_column_changes(
    builds: dict[str, Path],
) -> None:
    rows = query(
        builds["second"],
        "select movie_id, title, dbt_valid_from, dbt_valid_to from snapshots.snap_movies"
        " where movie_id in (8844, 31357) order by movie_id, dbt_valid_from",
    )
    assert rows == [
        # Jumanji's title changed in the L2 load: the old version closes when the new one opens.
        (8844, "Jumanji", L1, L2),
        (8844, "Jumanji (1995)", L2, None),
        # Waiting to Exhale was re-delivered at L2 with only a new overview (not tracked).
        (31357, "Waiting to Exhale", L1, None),
    ]
    assert scalar(builds["second"], "select count(*) from snapshots.snap_movies") == 8


def test_snapshot_rerun_on_unchanged_silver_adds_no_version(builds: dict[str, Path]) -> None:
    sql = "select * from snapshots.snap_movies order by movie_id, dbt_valid_from"
    assert query(builds["third"], sql) == query(builds["second"], sql)


# --- people, companies, critics, crosswalk, directors ----------------------------------------


def test_cast_and_crew_bridges_resolve_people(builds: dict[str, Path]) -> None:
    wh = builds["first"]
    cast = query(
        wh,
        "select c.movie_id, p.person_name, c.character_name, c.billing_order, p.gender_name"
        " from marts.bridge_movie_cast c join marts.dim_people p using (person_key)"
        " where c.movie_id in (862, 31357) order by c.movie_id, c.billing_order",
    )
    assert cast == [
        (862, "Tom Hanks", "Woody (voice)", 0, "male"),
        (862, "Tim Allen", "Buzz Lightyear (voice)", 1, "male"),
        (31357, "Whitney Houston", None, None, None),  # known only by name
    ]
    directors = query(
        wh,
        "select c.movie_id, p.person_name from marts.bridge_movie_crew c join marts.dim_people p"
        " using (person_key) where c.job = 'Director' order by 1, 2",
    )
    assert directors == [
        (862, "John Lasseter"), (863, "John Lasseter"), (8844, "Joe Johnston"), (8844, "Pat Fixture"),
        (15602, "Howard Deutch"), (15602, "Pat Fixture"),
    ]  # fmt: skip


def test_languages_take_names_from_spoken_lists(builds: dict[str, Path]) -> None:
    rows = query(builds["first"], "select language_code, language_name from marts.dim_languages order by 1")
    assert rows == [("en", "English"), ("fr", "Français")]


def test_dim_movies_carries_the_crosswalk_ids(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select movie_id, imdb_id, movielens_movie_id, yts_id, is_in_omdb from marts.dim_movies"
        " where movie_id in (862, 8844, 863) order by movie_id",
    )
    assert rows == [
        (862, "tt0114709", 1, 100, True),
        (863, "tt0120363", None, None, False),
        (8844, "tt0113497", 2, None, True),
    ]


def test_critic_scores_per_movie_and_source(builds: dict[str, Path]) -> None:
    sql = "select movie_id, critic_source, rating_value, score from marts.fct_critic_scores order by 1, 2"
    assert query(builds["first"], sql) == [
        (862, "imdb", "8.3/10", 83.0),
        (862, "metacritic", "95/100", 95.0),
        (862, "rotten_tomatoes", "100%", 100.0),
        (8844, "imdb", "7.0/10", 70.0),
        (8844, "rotten_tomatoes", "52%", 52.0),
    ]


def test_incremental_build_upserts_critic_scores(builds: dict[str, Path]) -> None:
    sql = (
        "select critic_source, score, _loaded_at from marts.fct_critic_scores"
        " where movie_id = 8844 order by 1"
    )
    assert query(builds["second"], sql) == [
        ("imdb", 70.0, L1),
        ("metacritic", 39.0, L2),  # new source inserted
        ("rotten_tomatoes", 54.0, L2),  # changed score updated in place
    ]


def test_top_directors_need_two_rated_films(builds: dict[str, Path]) -> None:
    """Only Pat Fixture directed two films with min_votes ratings: Jumanji and Grumpier Old Men."""
    sql = (
        "select person_name, films_directed, rated_films, rating_count, average_weighted_rating,"
        " revenue_adjusted, films_with_revenue from marts.rpt_top_directors order by director_rank"
    )
    assert query(builds["first"], sql) == [
        ("Pat Fixture", 2, 2, 7, pytest.approx((3.364286 + 4.425) / 2, abs=1e-6), 668_594_498.0, 2)
    ]
    assert query(builds["second"], sql) == [
        ("Pat Fixture", 2, 2, 9, pytest.approx((3.875 + 4.428571) / 2, abs=1e-6), 668_594_498.0, 2)
    ]


def test_films_by_director_with_actor_shortest_first(builds: dict[str, Path], run_dbt: RunDbt) -> None:
    """The ad-hoc question is an analysis: compiled with the asker's vars, run on the marts."""
    result = run_dbt(["compile", "--select", "films_by_director_with_actor", "--vars", DBT_VARS])
    assert result.success, result.exception
    (compiled,) = [r.node.compiled_code for r in result.result.results]
    rows = query(builds["first"], f"select * exclude (movie_id) from ({compiled}) order by runtime_rank")
    assert rows == [
        (1, "John Lasseter", "tom hanks", "Toy Story", 1995, 81, "Woody (voice)"),
        (2, "John Lasseter", "tom hanks", "Toy Story 2", 1999, 92, "Woody (voice)"),
    ]


def test_genre_roi_is_the_median_roi_of_films_above_the_budget_floor(builds: dict[str, Path]) -> None:
    """rpt_genre_roi against the same median computed here from the facts (roi_min_budget 40M)."""
    expected = query(
        builds["first"],
        "select g.genre_name, count(*), round(median(f.roi), 6) from marts.fct_movie_financials f"
        " join marts.bridge_movie_genres b using (movie_id) join marts.dim_genres g using (genre_key)"
        " where f.roi is not null and f.budget_adjusted > 40000000 group by 1 order by 3 desc, 1",
    )
    assert len(expected) == 5
    assert (
        query(
            builds["first"],
            "select genre_name, ranked_film_count, median_roi from marts.rpt_genre_roi order by roi_rank",
        )
        == expected
    )


def test_entity_resolution_rates_per_source_pair(builds: dict[str, Path]) -> None:
    """MovieLens 1-5 of 7 reach a catalog movie (6 has no TMDB id, 7's is not catalogued); every
    catalog movie has an IMDb id; OMDb answered for Toy Story and Jumanji; YTS lists Toy Story."""
    assert query(builds["first"], "select * from marts.rpt_entity_resolution order by source_pair") == [
        ("imdb_to_omdb", "IMDb", "OMDb", 7, 2, round(2 / 7, 6)),
        ("imdb_to_yts", "IMDb", "YTS", 7, 1, round(1 / 7, 6)),
        ("movielens_to_tmdb", "MovieLens", "TMDB", 7, 5, round(5 / 7, 6)),
        ("tmdb_to_imdb", "TMDB", "IMDb", 7, 7, 1.0),
    ]


def test_silver_entities_reach_the_marts(builds: dict[str, Path]) -> None:
    wh = builds["first"]
    assert query(
        wh,
        "select id_type, id_value, candidate_id_type, candidate_ids, candidate_count, movie_id"
        " from marts.fct_movie_id_conflicts order by id_type",
    ) == [
        ("imdb_id", "tt0114709", "yts_id", "100, 101", 2, None),
        ("movie_id", "11862", "imdb_id", "tt0113041, tt0999999", 2, 11862),
    ]
    assert query(wh, "select yts_id, movie_id, genre_names from marts.dim_yts_movies order by 1") == [
        (100, 862, "Animation, Comedy"), (200, None, "")
    ]  # fmt: skip
    assert query(wh, "select torrent_hash, movie_id, quality from marts.fct_yts_torrents order by 1") == [
        ("AAA111", None, "720p"), ("ABC123", 862, "720p"), ("DEF456", 862, "1080p")
    ]  # fmt: skip
    assert query(
        wh, "select movie_id, mpaa_rating, awards, imdb_votes from marts.dim_omdb_movies order by 1"
    ) == [(862, "G", "Nominated for 3 Oscars.", 1_071_000), (8844, "PG", None, 375_000)]
    assert query(
        wh,
        "select country_code, release_type, release_date, certification from marts.fct_movie_release_dates"
        " where movie_id = 862 order by release_date",
    ) == [
        ("US", 1, date(1995, 11, 19), None),
        ("US", 3, date(1995, 11, 22), "G"),
        ("DE", 3, date(1996, 3, 14), "0"),
    ]
    assert query(
        wh,
        "select k.keyword_name, count(*) from marts.bridge_movie_keywords b join marts.dim_keywords k"
        " using (keyword_id) group by 1 order by 1",
    ) == [("board game", 1), ("jealousy", 1), ("toy", 2)]
    assert query(
        wh, "select country_code, count(*) from marts.bridge_movie_countries group by 1 order by 1"
    ) == [("CA", 1), ("US", 3)]
    languages = "select language_code, count(*) from marts.bridge_movie_languages group by 1 order by 1"
    assert query(wh, languages) == [("en", 3), ("fr", 1)]


def test_quarantined_records_are_queryable_with_their_reason(builds: dict[str, Path]) -> None:
    rows = query(
        builds["first"],
        "select layer, source_name, entity, record_key, reason, movie_id"
        " from marts.fct_quarantined_records order by 1, 3",
    )
    assert rows == [
        ("raw", "kaggle", "movies", "1997-08-20", "movie_id is not an integer", None),
        ("silver", "kaggle", "movie_genres", "862", "genres: not a literal", 862),
        ("silver", "kaggle", "ratings", "3|99", "rating out of range", None),
    ]
