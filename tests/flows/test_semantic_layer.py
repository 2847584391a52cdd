"""The semantic layer on the real sample: every saved query, answered by MetricFlow on the run's
warehouse, gives the numbers of the `rpt_` model that answers the same question.

MetricFlow runs in-process as `mf query --saved-query` does (the project's profile, its adapter and
the semantic manifest the run's dbt wrote), once for all saved queries.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from dbt.adapters.factory import get_adapter_by_type
from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtProjectMetadata
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

from flows.dbt_runner import release_duckdb

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
SAVED_QUERIES = {
    "top_rated_movies", "genre_popularity", "box_office_by_release_month", "box_office_by_release_quarter",
    "genre_adjusted_revenue", "franchise_vs_standalone", "top_directors", "roi_leaders", "roi_by_genre",
}  # fmt: skip


@pytest.fixture(scope="module")
def engine(pipeline_runs) -> Iterator[MetricFlowEngine]:
    """MetricFlow on the run's warehouse, set up as `mf` sets itself up."""
    data_dir: Path = pipeline_runs["dir"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOVIES_WAREHOUSE", str(data_dir / "warehouse.duckdb"))
        patch.setenv("MOVIES_LAKE", str(data_dir / "lake"))
        metadata = dbtProjectMetadata.load_from_paths(profiles_path=PROJECT, project_path=PROJECT)
        manifest = parse_manifest_from_dbt_generated_manifest(
            (data_dir / "dbt_target" / "semantic_manifest.json").read_text(encoding="utf-8")
        )
        try:
            yield MetricFlowEngine(
                semantic_manifest_lookup=SemanticManifestLookup(manifest),
                sql_client=AdapterBackedSqlClient(get_adapter_by_type(metadata.profile.credentials.type)),
            )
        finally:
            release_duckdb()


def _ask(engine: MetricFlowEngine, **request: Any) -> pd.DataFrame:
    table = engine.query(MetricFlowQueryRequest.create(**request)).result_df
    return pd.DataFrame(list(table.rows), columns=list(table.column_names))


@pytest.fixture(scope="module")
def answers(engine: MetricFlowEngine) -> dict[str, pd.DataFrame]:
    """Every saved query's rows, by name."""
    names = {saved.name for saved in engine.list_saved_queries()}
    assert names == SAVED_QUERIES
    return {name: _ask(engine, saved_query_name=name) for name in sorted(names)}


def _marts(data_dir: Path, sql: str) -> pd.DataFrame:
    release_duckdb()  # MetricFlow's dbt connection holds the file in another configuration
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).df()


def _same(actual: pd.DataFrame, expected: pd.DataFrame, key: str, digits: int = 6) -> None:
    """Equal rows by `key`, each value within the rounding to `digits` places the rpt_ models apply."""
    assert len(actual) == len(expected) > 0
    left = actual.set_index(key).sort_index()
    right = expected.set_index(key).sort_index()
    assert list(left.index) == list(right.index)
    for column in right.columns:
        for index, want in right[column].items():
            got = left.at[index, column]
            if want is None or (isinstance(want, float) and math.isnan(want)):
                assert got is None or math.isnan(got), (column, index, got)
            else:
                # The report rounds (a rounded mean of rounded weighted ratings, for directors).
                assert float(got) == pytest.approx(float(want), abs=1.5 * 10.0**-digits), (
                    column, index, got, want,
                )  # fmt: skip


def test_top_rated_movies_is_rpt_top_rated_movies(answers, pipeline_runs):
    got = answers["top_rated_movies"].rename(columns={"movie": "movie_id"})
    want = _marts(
        pipeline_runs["dir"],
        "select movie_id, weighted_rating, rating_count from marts.rpt_top_rated_movies order by rating_rank",
    )
    _same(got[["movie_id", "weighted_rating", "rating_count"]], want, "movie_id")
    assert list(got["movie_id"][:20]) == list(want["movie_id"][:20])  # the saved query's own order


def test_genre_answers_are_the_genre_reports(answers, pipeline_runs):
    data_dir = pipeline_runs["dir"]
    popularity = answers["genre_popularity"].rename(
        columns={"genre__genre_name": "genre_name", "genre_rating_count": "rating_count",
                 "genre_raters": "rater_count", "genre_average_rating": "average_rating",
                 "genre_film_count": "movie_count"}
    )  # fmt: skip
    popular = _marts(
        data_dir,
        "select genre_name, rating_count, rater_count, average_rating, movie_count"
        " from marts.rpt_genre_popularity where rating_count > 0",
    )
    _same(popularity[popularity["rating_count"] > 0][popular.columns], popular, "genre_name")
    revenue = answers["genre_adjusted_revenue"].rename(
        columns={"genre__genre_name": "genre_name", "genre_revenue_adjusted": "total_revenue_adjusted",
                 "genre_median_revenue_adjusted": "median_revenue_adjusted",
                 "genre_films_with_revenue": "films_with_revenue_count"}
    )  # fmt: skip
    earned = _marts(
        data_dir,
        "select genre_name, total_revenue_adjusted, median_revenue_adjusted, films_with_revenue_count"
        " from marts.rpt_genre_adjusted_revenue where films_with_revenue_count > 0",
    )
    _same(revenue[revenue["films_with_revenue_count"] > 0][earned.columns], earned, "genre_name", digits=2)
    roi = answers["roi_by_genre"].rename(
        columns={"genre__genre_name": "genre_name", "genre_median_roi": "median_roi",
                 "genre_ranked_films": "ranked_film_count"}
    )  # fmt: skip
    ranked = _marts(data_dir, "select genre_name, median_roi, ranked_film_count from marts.rpt_genre_roi")
    assert len(ranked) >= 15
    _same(roi[roi["ranked_film_count"] > 0][ranked.columns], ranked, "genre_name")


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_box_office_by_release_period_is_its_report(answers, pipeline_runs, period):
    got = answers[f"box_office_by_release_{period}"].rename(
        columns={f"metric_time__extract_{period}": f"release_{period}_number",
                 "revenue_adjusted": "total_revenue_adjusted", "films_with_revenue": "film_count"}
    )  # fmt: skip
    got = got[got[f"release_{period}_number"].notna()]  # films without a release date
    want = _marts(
        pipeline_runs["dir"],
        f"select release_{period}_number, total_revenue_adjusted, film_count, median_revenue_adjusted"
        f" from marts.rpt_release_{period}_box_office where film_count > 0",
    )
    assert len(want) == (12 if period == "month" else 4)
    got[f"release_{period}_number"] = got[f"release_{period}_number"].astype(int)
    _same(got[want.columns], want, f"release_{period}_number", digits=2)


def test_franchise_vs_standalone_is_its_report(answers, pipeline_runs):
    got = answers["franchise_vs_standalone"].rename(
        columns={"movie__movie_type": "movie_type", "mean_revenue_adjusted": "avg_revenue_adjusted",
                 "mean_budget_adjusted": "avg_budget_adjusted", "mean_film_roi": "avg_roi",
                 "average_rating": "avg_rating"}
    )  # fmt: skip
    want = _marts(
        pipeline_runs["dir"],
        "select movie_type, film_count, avg_revenue_adjusted, avg_budget_adjusted, avg_roi, avg_rating"
        " from marts.rpt_franchise_vs_standalone where film_count > 0",  # the sample has no franchise
    )
    _same(got[want.columns], want, "movie_type", digits=2)


def test_top_directors_is_rpt_top_directors(answers, pipeline_runs):
    got = answers["top_directors"].rename(
        columns={"director": "person_key", "director_weighted_rating": "average_weighted_rating",
                 "director_rated_film_count": "rated_films", "director_rating_count": "rating_count",
                 "director_film_count": "films_directed"}
    )  # fmt: skip
    want = _marts(
        pipeline_runs["dir"],
        "select person_key, average_weighted_rating, rated_films, rating_count, films_directed"
        " from marts.rpt_top_directors order by director_rank",
    )
    assert len(want) >= 10
    _same(got[want.columns], want, "person_key")
    assert list(got["person_key"][:10]) == list(want["person_key"][:10])


def test_roi_leaders_is_rpt_roi_leaders(answers, pipeline_runs):
    got = answers["roi_leaders"].rename(columns={"movie": "movie_id", "film_roi": "roi"})
    want = _marts(
        pipeline_runs["dir"],
        "select movie_id, roi, revenue_adjusted, budget_adjusted"
        " from marts.rpt_roi_leaders order by roi_rank",
    )
    assert len(want) > 100
    _same(got[want.columns], want, "movie_id", digits=2)
    assert list(got["movie_id"][:20]) == list(want["movie_id"][:20])


def _readme_queries() -> list[list[str]]:
    """The README's `mf query` command lines, split as a shell splits them."""
    text = (PROJECT.parent / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    return [shlex.split(line)[2:] for line in text.splitlines() if line.startswith("../.venv/bin/mf query ")]


def test_the_readme_metric_queries_answer(engine):
    """Each `mf query` line a user pastes from the README names metrics and dimensions that exist,
    and returns rows."""
    lines = _readme_queries()
    assert len(lines) == 3
    options = {
        "--saved-query": "saved_query_name", "--metrics": "metric_names", "--group-by": "group_by_names",
        "--order": "order_by_names", "--limit": "limit", "--where": "where_constraints",
    }  # fmt: skip
    for words in lines:
        request: dict[str, Any] = {}
        for flag, value in zip(words[::2], words[1::2], strict=True):
            name = options[flag]
            request[name] = (
                int(value) if name == "limit" else [value] if name == "where_constraints"
                else value if name == "saved_query_name" else value.split(",")
            )  # fmt: skip
        rows = _ask(engine, **request)
        assert len(rows) >= 3, words
