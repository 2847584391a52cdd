"""What the dbt tests share: the vars they build with, the marts they expect, a build that keeps a
snapshot of the warehouse, and queries on such a snapshot."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from lakehouse.duckdb import load_extensions
from tests.dbt_project.workspace import DbtWorkspace, RunDbt

from .silver_lake import SilverBatch, write_silver

# roi_min_budget 40M (adjusted): Waiting to Exhale (32M) drops out of rpt_roi_leaders.
DBT_VARS = json.dumps(
    {"min_votes": 3, "roi_min_budget": 40000000, "director_name": "John Lasseter", "actor_name": "tom hanks"}
)

# dbt's name for the key test of stg_silver__ratings, the one staging model that does not dedupe
# (its docs say why): it fails when silver holds a (user, MovieLens movie) pair twice.
RATINGS_KEY_TEST = "unique_combination_of_columns_stg_silver__ratings_user_id__movielens_movie_id"

MART_TABLES = (
    "dim_movies",
    "dim_genres",
    "bridge_movie_genres",
    "fct_ratings",
    "fct_movie_financials",
    "rpt_top_rated_movies",
    "rpt_genre_popularity",
    "dim_dates",
    "rpt_release_month_box_office",
    "rpt_release_quarter_box_office",
    "rpt_genre_adjusted_revenue",
    "rpt_roi_leaders",
    "rpt_franchise_vs_standalone",
    "rpt_top_franchises",
    "dim_people",
    "dim_companies",
    "dim_collections",
    "dim_languages",
    "dim_movie_external_ids",
    "bridge_movie_cast",
    "bridge_movie_crew",
    "bridge_movie_companies",
    "fct_critic_scores",
    "fct_quarantined_records",
    "rpt_top_directors",
    "fct_movie_performance",
    "fct_genre_movies",
    "fct_director_movies",
    "fct_genre_ratings",
    "rpt_genre_roi",
    "rpt_release_year_money",
    "rpt_rating_distribution",
    "bridge_movie_languages",
    "dim_countries",
    "bridge_movie_countries",
    "dim_keywords",
    "bridge_movie_keywords",
    "fct_movie_release_dates",
    "dim_omdb_movies",
    "dim_yts_movies",
    "fct_yts_torrents",
    "rpt_entity_resolution",
    "fct_movie_id_conflicts",
)


def build(workspace: DbtWorkspace, run_dbt: RunDbt, batch: SilverBatch, name: str) -> Path:
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


@contextmanager
def attached(warehouse: Path, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection on a warehouse snapshot as dbt left it: attached as `warehouse` (the catalog its
    views name, as compiled SQL does) and with the extensions its silver views' `iceberg_scan` needs.
    """
    with duckdb.connect() as con:
        load_extensions(con)
        con.execute("set TimeZone = 'UTC'")
        mode = " (read_only)" if read_only else ""
        con.execute(f"attach '{warehouse.as_posix()}' as warehouse{mode}")
        con.execute("use warehouse")
        yield con


def query(warehouse: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of `sql` on a snapshot; its staging views read silver as that build read it."""
    with attached(warehouse) as con:
        return con.execute(sql).fetchall()


def scalar(warehouse: Path, sql: str) -> object:
    rows = query(warehouse, sql)
    assert len(rows) == 1, rows
    return rows[0][0]
