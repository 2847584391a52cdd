"""The whole flow, for real: `movies run` on the real-data sample, twice, into a tmp data dir."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from lakehouse.catalog import snapshot_ids

pytestmark = pytest.mark.slow


def _query(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_run_prints_the_result_paths(pipeline_runs):
    out = pipeline_runs["first"].stdout
    data_dir = pipeline_runs["dir"]
    for name in ("warehouse", "dbt docs", "GX Data Docs", "run report", "HTML report", "dashboard"):
        assert name in out
    assert str(data_dir / "warehouse.duckdb") in out
    assert (data_dir / "reports" / "run_report.md").read_text().startswith("# Movie warehouse run")


def test_every_movielens_rating_reaches_fct_ratings(pipeline_runs):
    rows, users, movies = _query(
        pipeline_runs["dir"],
        "select count(*), count(distinct user_id), count(distinct movielens_movie_id) from marts.fct_ratings",
    )[0]
    assert (rows, users, movies) == (100_004, 671, 9_066)


def test_ratings_resolve_through_links_not_by_raw_id(pipeline_runs):
    data_dir = pipeline_runs["dir"]
    kaggle = data_dir / "sample" / "kaggle"
    expected = duckdb.sql(
        f"""
        select count(*) from read_csv('{kaggle}/ratings.csv') as r
        join read_csv('{kaggle}/links.csv', types={{'tmdbId': 'bigint'}}) as l using (movieId)
        where l.tmdbId in (select id::bigint from read_csv('{kaggle}/movies_metadata.csv', all_varchar=true)
                           where regexp_full_match(id, '\\d+'))
        """
    ).fetchone()[0]
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        resolved, mismatched = con.sql(
            f"""
            select count(f.movie_id), count(*) filter (where f.movie_id <> l.tmdbId)
            from marts.fct_ratings as f
            join read_csv('{kaggle}/links.csv', types={{'tmdbId': 'bigint'}}) as l
                on f.movielens_movie_id = l.movieId
            """
        ).fetchone()
    assert resolved == expected
    assert resolved > 90_000
    assert mismatched == 0  # every rating reached its movie through links, not by the MovieLens id


def test_dim_movies_has_one_row_per_sample_movie(pipeline_runs):
    # 17,472 sample rows; two IMDb ids appear twice in the source, as in the real Kaggle file.
    count, distinct = _query(
        pipeline_runs["dir"], "select count(*), count(distinct movie_id) from marts.dim_movies"
    )[0]
    assert count == distinct == 17_470


def test_inflation_adjustment_matches_cpi(pipeline_runs):
    data_dir = pipeline_runs["dir"]
    cpi = dict(
        duckdb.sql(
            f"select observation_date, CPIAUCSL from read_csv('{data_dir}/sample/fred/CPIAUCSL.csv')"
        ).fetchall()
    )
    rows = _query(
        data_dir,
        "select release_month, base_month, budget_nominal, budget_adjusted from marts.fct_movie_financials "
        "where budget_nominal is not null and budget_adjusted is not null order by movie_id limit 50",
    )
    assert len(rows) == 50
    for release_month, base_month, nominal, adjusted in rows:
        assert adjusted == pytest.approx(nominal * cpi[base_month] / cpi[release_month], rel=1e-9)


def test_top_rated_report_uses_a_vote_threshold(pipeline_runs):
    rows = _query(
        pipeline_runs["dir"],
        "select rating_rank, rating_count, min_votes, weighted_rating, average_rating "
        "from marts.rpt_top_rated_movies order by rating_rank",
    )
    assert len(rows) > 50
    assert all(count >= min_votes for _, count, min_votes, _, _ in rows)
    weighted = [row[3] for row in rows]
    assert weighted == sorted(weighted, reverse=True)


def test_second_run_changes_nothing(pipeline_runs):
    marts_first, raw_first = pipeline_runs["after_first"]
    marts_second, raw_second = pipeline_runs["after_second"]
    assert marts_first == marts_second
    assert raw_first == raw_second
    assert "nothing appended" in pipeline_runs["second_report"]
    # No new ratings load: silver ratings were left as they were, not rebuilt.
    assert "| ratings | 100004 | unchanged |" in pipeline_runs["second_report"]


def test_ratings_of_seven_fail_the_flow_naming_layer_table_check_and_values(pipeline_runs):
    broken = pipeline_runs["broken"]
    assert broken["result"].returncode != 0
    output = broken["result"].stdout + broken["result"].stderr
    assert "critical expectation(s) failed in layer raw" in output
    assert (
        "raw.kaggle_ratings: expect_column_values_to_be_between(rating) [critical] sample=[7.0, 7.0, 7.0]"
        in output
    )
    assert "**FAILED** at stage validate raw" in broken["report"]


def test_a_failed_run_loses_nothing_already_loaded(pipeline_runs):
    broken = pipeline_runs["broken"]
    marts_before, raw_before = pipeline_runs["after_second"]
    assert broken["marts"] == marts_before  # the warehouse is untouched
    assert set(raw_before) < set(broken["raw"])  # raw only gained the bad delivery, kept for inspection
    assert broken["silver_after"] == broken["silver_before"]  # Spark never ran on it


def test_every_layer_ran_its_checkpoint_with_no_critical_failure(pipeline_runs):
    report = json.loads((pipeline_runs["dir"] / "reports" / "run_report.json").read_text())
    assert report["failure"] is not None  # the last run is the broken one; the second run is below
    first = pipeline_runs["first_report"]
    assert "| raw | 33 | 1 | 0 |" in first
    assert "| silver | 25 | 1 | 0 |" in first
    assert "| gold | 19 | 0 | 0 |" in first  # fct_ratings' key is dbt's test, not repeated in GX
    assert (
        "silver.cpi_monthly: expect_column_values_to_be_null(month_after_gap) [warning] sample=['2025-11']"
        in first
    )


def test_a_second_run_with_nothing_new_checks_only_the_clock_and_builds_nothing(pipeline_runs):
    second = pipeline_runs["second_report"]
    assert "| validate raw | skipped: nothing new since its last run |" in second
    assert "| validate silver | skipped: nothing new since its last run |" in second
    assert "| gold | 2 | 0 | 0 |" in second  # freshness only: it depends on the clock, not the data
    assert "dbt: built nothing" in second
    assert "| dbt docs | skipped: nothing new since its last run |" in second
    assert "| html report | skipped: nothing new since its last run |" in second
    assert not re.search(r"^\| (raw|silver) \| \d+ \| \d+ \| \d+ \|$", second, re.MULTILINE)  # no such checks
    with duckdb.connect(str(pipeline_runs["dir"] / "warehouse.duckdb"), read_only=True) as con:
        read = dict(con.sql("select entity, snapshot_id from lake_state.silver_snapshots").fetchall())
    assert read == snapshot_ids(str(pipeline_runs["dir"] / "lake")) and len(read) == 24


def test_the_run_report_gives_the_resolution_rate_of_every_source_pair(pipeline_runs):
    with duckdb.connect(str(pipeline_runs["dir"] / "warehouse.duckdb"), read_only=True) as con:
        rates = con.sql(
            "select from_source, to_source, from_count, resolved_count, resolution_rate"
            " from marts.rpt_entity_resolution order by source_pair"
        ).fetchall()
    assert [(source, target) for source, target, *_ in rates] == [
        ("IMDb", "OMDb"), ("IMDb", "YTS"), ("MovieLens", "TMDB"), ("TMDB", "IMDb")
    ]  # fmt: skip
    assert all(0 < rate <= 1 for *_, rate in rates)
    for source, target, ids, resolved, rate in rates:
        assert f"| {source} | {target} | {ids} | {resolved} | {rate:.1%} |" in pipeline_runs["first_report"]
