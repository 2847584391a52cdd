"""Great Expectations checks per layer (raw, silver, gold), one GX checkpoint per layer.

Suites live as JSON in the file context under `great_expectations/gx/expectations/`, one per
`<layer>__<table>`, reviewed like code; `checkpoints/<layer>.json` groups a layer's validation
definitions and rebuilds Data Docs. Each expectation carries GX's own `severity`: a failed
`critical` one fails the run naming the layer, table, expectation and offending values; a failed
`warning` is reported and the run goes on.

How a layer is checked: each table's *check frame* (the table itself, or a query that adds the
columns a check needs: a month gap, a duplicated key, an orphan row; for the 26M-row silver and
gold ratings, the aggregates their suites check; for the raw ratings load, one `delivery` row with
its row count and its offending rows, see `offending_rows`) is computed by SQL, keeps only the
columns its suite names, and is written
as parquet under `gx/uncommitted/frames/<layer>/`; the layer's checkpoint validates those files with
GX's pandas engine. Raw tables are read as their parquet files; silver's Iceberg tables through
DuckDB's `iceberg_scan` at the snapshots their catalog names current when the run first reads silver
(one lookup per run, so every frame of the run reads the same commits). Values that change per
run (row-count bounds from the previous load, the gold freshness limit) are passed as expectation
parameters (`{"$PARAMETER": ...}` in the suites).

Gold route. GX 1.24's SQL datasource on DuckDB (duckdb-engine) reads results after the
connection is released and fails every expectation, so gold frames are not validated through GX's
SQL path. On DuckDB they are read by DuckDB itself: the warehouse file attached read-only beside
the lake, so one query can reconcile marts with silver. On Trino the same mart queries go through
Trino's own DB-API client (`trino`, installed with dbt-trino; MOVIES_TRINO_* like the dbt profile)
and only the result frames come back; the reconciliation's lake side is still read by DuckDB. Either
way GX sees a frame, so every suite runs unchanged on every target and aggregation happens in the
engine, not in pandas.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import re
import shutil
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import chdir, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from flows.settings import Settings
from flows.warehouse import trino_frame, warehouse_query
from lakehouse.catalog import catalog_for
from lakehouse.duckdb import metadata_locations, open_lake, scan
from lakehouse.sql import sql_identifier, sql_string

LAYERS = ("raw", "silver", "gold")
DATASOURCE = "check_frames"
FRAMES_DIR = "uncommitted/frames"  # relative to the GX context root (great_expectations/gx)
BATCH = "latest"
# Silver entities and their keys (docs/lake_layout.md).
SILVER_KEYS: dict[str, tuple[str, ...]] = {
    "movies": ("movie_id",), "movie_genres": ("movie_id", "genre_name"),
    "movie_links": ("movielens_movie_id",), "ratings": ("user_id", "movielens_movie_id"),
    "cpi_monthly": ("month",), "movie_financials": ("movie_id",),
    "movie_cast": ("movie_id", "person_key", "character"),
    "movie_crew": ("movie_id", "person_key", "department", "job"), "people": ("person_key",),
    "movie_companies": ("movie_id", "company_key"), "companies": ("company_key",),
    "movie_countries": ("movie_id", "country_code"), "movie_languages": ("movie_id", "language_code"),
    "collections": ("collection_id",), "movie_release_dates": ("movie_id", "country", "type", "release_date"),
    "movie_keywords": ("movie_id", "keyword_id"), "movie_external_ids": ("movie_id", "id_source"),
    "omdb_movies": ("imdb_id",),
    "omdb_ratings": ("imdb_id", "source"), "yts_movies": ("yts_id",),
    "yts_torrents": ("yts_id", "torrent_hash"), "movie_ids": ("movie_id",),
}  # fmt: skip
MOVIE_BRIDGES = (
    *("movie_genres", "movie_cast", "movie_crew", "movie_companies", "movie_countries", "movie_languages"),
    *("movie_keywords", "movie_release_dates", "movie_external_ids", "movie_financials", "movie_ids"),
)
FILE_DELIVERIES = (
    "kaggle_movies_metadata",
    "kaggle_ratings",
    "kaggle_links",
    "kaggle_credits",
    "fred_cpiaucsl",
)
# The two kinds of row in an `offending_rows` frame (its `kind` column).
DELIVERY, OFFENDING = "delivery", "offending"


@dataclass(frozen=True)
class Failure:
    """One failed expectation, with a few offending values when GX reports them."""

    table: str
    expectation: str
    severity: str
    column: str | None
    sample: list[Any]

    def describe(self, layer: str) -> str:
        """`layer.table: expectation(column) [severity] sample=[...]`."""
        column = f"({self.column})" if self.column else ""
        return f"{layer}.{self.table}: {self.expectation}{column} [{self.severity}] sample={self.sample[:5]}"


@dataclass
class LayerResult:
    """Outcome of one layer's checkpoint."""

    layer: str
    evaluated: int = 0
    rows_checked: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # Raw tables of sources this run did not deliver: not checked (they were when delivered).
    skipped: list[str] = field(default_factory=list)

    @property
    def critical(self) -> list[Failure]:
        """Failures that must stop the run."""
        return [f for f in self.failures if f.severity == "critical"]

    @property
    def warnings(self) -> list[Failure]:
        """Failures that are reported only."""
        return [f for f in self.failures if f.severity != "critical"]

    def summary(self) -> dict[str, Any]:
        """What the run report shows for this layer."""
        return {
            "evaluated": self.evaluated,
            "rows_checked": self.rows_checked,
            "warnings": [f.describe(self.layer) for f in self.warnings],
            "critical": [f.describe(self.layer) for f in self.critical],
            "skipped": self.skipped,
        }


class QualityError(RuntimeError):
    """A critical expectation failed."""


# ---------------------------------------------------------------- check frames (SQL per table)


def _files(lake: str, layer: str, table: str) -> str:
    return f"read_parquet({sql_string(f'{lake}/{layer}/{table}/**/*.parquet')}, union_by_name = true)"


@dataclass(frozen=True)
class Lake:
    """The lake as one validation run reads it: raw tables as parquet files, silver entities as
    Iceberg tables at the snapshots current when the run first reads silver (looked up once, on the
    lake's catalog, so every frame reads the same commits; a connection that runs silver's SQL needs
    lakehouse.duckdb.open_lake)."""

    url: str

    @cached_property
    def silver_tables(self) -> dict[str, str]:
        """Each silver entity's current metadata file."""
        return metadata_locations(catalog_for(self.url))

    def silver(self, entity: str) -> str:
        """The relation reading one silver entity at the run's snapshot."""
        location = self.silver_tables.get(entity)
        if location is None:
            raise LookupError(f"silver has no table {entity!r} in the Iceberg catalog of {self.url}")
        return scan(location)


def _raw_latest(lake: str, dataset: str, table: str, extra: str = "") -> str:
    files = _files(lake, "raw", f"{dataset}/{table}")
    return f"select *{extra} from {files} where _dlt_load_id = (select max(_dlt_load_id) from {files})"


def _cpi_months(lake: str) -> str:
    """CPI months delivered (with a value, or explicitly without one: FRED's quarantined rows)."""
    cpi = _raw_latest(lake, "fred", "cpiaucsl")
    quarantine = _files(lake, "raw", "fred/quarantine")
    return f"""
        with delivered as (
            select cast(observation_date as date) as month, cpiaucsl, false as value_missing from ({cpi})
            union all
            select try_cast(split_part(raw_value, ',', 1) as date), null, true from {quarantine}
            where reason like '%missing value%'
        ),
        ordered as (
            select *, lag(month) over (order by month) as previous_month
            from delivered where month is not null
        )
        select month, cpiaucsl, value_missing,
            case when previous_month is not null and month <> previous_month + interval 1 month
                then strftime(month, '%Y-%m') || ' follows ' || strftime(previous_month, '%Y-%m') end
                as month_gap
        from ordered where not value_missing"""


def duplicated_keys(relation: str, keys: Sequence[str]) -> str:
    """A scalar subquery: how many keys of `relation` more than one row holds (nulls compare equal,
    as GROUP BY has them).

    Rows are ordered by the key's last column within partitions of the others, so a repeated key
    sits next to its twin. On the 26M ratings DuckDB takes ~1.5 s for this against ~4 s for GROUP BY
    ... HAVING count(*) > 1, whose hash table holds every key (dbt's unique_combination_of_columns
    test does the same). Portable SQL: gold runs it on Trino too.
    """
    *partition, last = keys
    partition_by = f"partition by {', '.join(partition)} " if partition else ""
    over = f"over ({partition_by}order by {last})"
    columns = ", ".join(keys)
    return f"""(select count(*) from (
            select distinct {columns} from (
                select {columns}, row_number() {over} as key_position, lag({last}) {over} as previous_value
                from {relation}
            ) as ordered
            where key_position > 1 and {last} is not distinct from previous_value
        ) as duplicated)"""


def _key_report(lake: Lake) -> str:
    parts = [
        f"select '{entity}' as entity, count(*) as row_count, "
        f"{duplicated_keys(lake.silver(entity), keys)} as duplicated_keys "
        f"from {lake.silver(entity)}"
        for entity, keys in SILVER_KEYS.items()
    ]
    return f"""select *, case when duplicated_keys > 0 then entity || ': ' || duplicated_keys
                   || ' duplicated keys' end as entity_with_duplicated_keys
               from ({" union all ".join(parts)})"""


def _orphans(lake: Lake) -> str:
    movies = lake.silver("movies")
    parts = [
        f"select '{entity}' as entity, count(*) filter (where m.movie_id is null) as orphan_rows "
        f"from {lake.silver(entity)} as b left join {movies} as m using (movie_id)"
        for entity in MOVIE_BRIDGES
    ]
    return f"""select *, case when orphan_rows > 0 then entity || ': ' || orphan_rows
                   || ' rows without a movie' end as entity_with_orphans
               from ({" union all ".join(parts)})"""


def _silver_ratings(lake: Lake) -> str:
    """Silver ratings (26M rows at Kaggle scale) as the aggregates its suite checks, computed by
    DuckDB, so GX's pandas engine never loads and scans every row."""
    return f"""select count(*) as row_count, min(rating) as min_rating, max(rating) as max_rating,
            count(*) filter (where rated_at is null) as rated_at_nulls,
            cast(count(movie_id) as double) / nullif(count(*), 0) as share_with_movie_id
        from {lake.silver("ratings")}"""


def _financials(lake: Lake) -> str:
    return f"""select *,
        case when abs(budget_adjusted - budget_nominal * inflation_factor)
                    > 1e-6 * greatest(1, abs(budget_adjusted))
               or abs(revenue_adjusted - revenue_nominal * inflation_factor)
                    > 1e-6 * greatest(1, abs(revenue_adjusted))
             then cast(movie_id as varchar) end as adjusted_not_nominal_times_factor
        from {lake.silver("movie_financials")}"""


def _reconciliation(lake: Lake) -> str:
    """Ratings delivered to raw, quarantined in silver, held in silver and in fct_ratings."""
    raw = _files(lake.url, "raw", "kaggle/ratings")
    quarantine = lake.silver("quarantine")
    return f"""
        with raw_ordered as (
            -- Each (user, movie) key's rows, a valid rating first: a key's first row says whether
            -- any load of it holds one (silver rejects a missing rating too). Ordered neighbours, not
            -- GROUP BY (see duplicated_keys): 1.4 s against 3.4-4.0 s on the 26M raw ratings.
            select movie_id, is_valid, lag(movie_id) over key_order as previous_movie_id,
                row_number() over key_order as key_position
            from (select user_id, movie_id, coalesce(rating between 0.5 and 5, false) as is_valid
                  from {raw}) as typed
            window key_order as (partition by user_id order by movie_id, is_valid desc)
        ),
        raw_keys as (
            select is_valid as has_valid_rating from raw_ordered
            where key_position = 1 or movie_id is distinct from previous_movie_id
        ),
        counts as (
            select
                raw_counts.*,
                (select count(*) from {quarantine} where entity = 'ratings') as quarantined_rows,
                (select count(*) from {lake.silver("ratings")}) as silver_ratings,
                (select count(*) from warehouse.marts.fct_ratings) as fct_ratings
            from (
                select count(*) as raw_rating_keys,
                    count(*) filter (where not has_valid_rating) as quarantined_only_keys
                from raw_keys
            ) as raw_counts
        )
        select *, case when fct_ratings <> raw_rating_keys - quarantined_only_keys
                         or silver_ratings <> fct_ratings
            then 'fct_ratings ' || fct_ratings || ' <> raw keys ' || raw_rating_keys || ' - quarantined '
                 || quarantined_only_keys || ' (silver ' || silver_ratings || ')' end as unreconciled
        from counts"""


# Gold frames run on the warehouse's own engine (DuckDB or Trino): portable SQL only (explicit
# casts for division, no `::`), checked on both in tests/dbt_project/test_trino.py.
GOLD_DISTRIBUTIONS = """
    select
        (select avg(rating) from marts.fct_ratings) as average_rating,
        cast((select count(*) from marts.fct_movie_financials) as double)
            / (select count(*) from marts.dim_movies) as share_of_movies_with_financials,
        (select avg(genres) from (select movie_id, count(*) as genres from marts.bridge_movie_genres
                                  group by movie_id)) as genres_per_movie,
        (select max(genres) from (select movie_id, count(*) as genres from marts.bridge_movie_genres
                                  group by movie_id)) as most_genres_on_a_movie"""
# fct_ratings (26M rows at Kaggle scale) is checked by aggregates its engine computes, as silver's
# keys are, rather than by GX's pandas engine on the whole table.
GOLD_RATINGS = f"""
    select
        count(*) as row_count,
        {duplicated_keys("marts.fct_ratings", ("user_id", "movielens_movie_id"))} as duplicated_keys,
        min(rating) as min_rating,
        max(rating) as max_rating
    from marts.fct_ratings"""
GOLD_FRESHNESS = """
    select
        date_diff('minute', max(_loaded_at), cast(current_timestamp as timestamp)) / 60e0
            as hours_since_latest_load,
        max(_loaded_at) as latest_load
    from (select _loaded_at from marts.fct_ratings union all select _loaded_at from marts.dim_movies)"""


@dataclass(frozen=True)
class Frame:
    """How one table's check frame is made: SQL over the lake, or over the warehouse (gold)."""

    sql: Callable[[Lake], str]
    on_warehouse: bool = False
    offending_only: bool = False  # checked as `offending_rows` of the SQL, not row by row
    on_clock: bool = False  # its result depends on the time of the check, not only on the data


TABLES: dict[str, dict[str, Frame]] = {
    "raw": {
        "kaggle_movies_metadata": Frame(lambda lake: _raw_latest(lake.url, "kaggle", "movies_metadata",
            ", case when release_date is not null and try_strptime(release_date, '%Y-%m-%d') is null "
            "then release_date end as release_date_unparsed")),
        "kaggle_ratings": Frame(lambda lake: _raw_latest(lake.url, "kaggle", "ratings"), offending_only=True),
        "kaggle_links": Frame(lambda lake: _raw_latest(lake.url, "kaggle", "links")),
        "kaggle_credits": Frame(lambda lake: _raw_latest(lake.url, "kaggle", "credits")),
        "fred_cpiaucsl": Frame(lambda lake: _cpi_months(lake.url)),
        "omdb_movies": Frame(lambda lake: _raw_latest(lake.url, "omdb", "movies")),
        "tmdb_movies": Frame(lambda lake: _raw_latest(lake.url, "tmdb", "movies")),
        "yts_movies": Frame(lambda lake: _raw_latest(lake.url, "yts", "movies")),
    },
    "silver": {
        "entity_keys": Frame(_key_report),
        "orphans": Frame(_orphans),
        "movies": Frame(lambda lake: f"select * from {lake.silver('movies')}"),
        "movie_genres": Frame(lambda lake: f"select * from {lake.silver('movie_genres')}"),
        "ratings": Frame(_silver_ratings),
        "cpi_monthly": Frame(lambda lake: f"""select *, case when lag(month) over (order by month) is not null
            and month <> lag(month) over (order by month) + interval 1 month then strftime(month, '%Y-%m')
            end as month_after_gap from {lake.silver('cpi_monthly')}"""),
        "movie_financials": Frame(_financials),
    },
    "gold": {
        "dim_movies": Frame(lambda _: "select * from marts.dim_movies", on_warehouse=True),
        "fct_ratings": Frame(lambda _: GOLD_RATINGS, on_warehouse=True),
        "rpt_top_rated_movies": Frame(
            lambda _: "select * from marts.rpt_top_rated_movies", on_warehouse=True
        ),
        "distributions": Frame(lambda _: GOLD_DISTRIBUTIONS, on_warehouse=True),
        "freshness": Frame(lambda _: GOLD_FRESHNESS, on_warehouse=True, on_clock=True),
        "reconciliation": Frame(_reconciliation),
    },
}  # fmt: skip


# ---------------------------------------------------------------- reading frames


def layer_tables(layer: str, sources: Collection[str] | None = None) -> list[str]:
    """The tables a layer checks. Raw tables belong to a source (`<source>_<table>`): with `sources`
    given, only the ones this run delivered; silver and gold are always checked whole."""
    tables = list(TABLES[layer])
    if layer != "raw" or sources is None:
        return tables
    return [table for table in tables if table.split("_", 1)[0] in sources]


# Expectations that look at the whole column set: a frame they check keeps every column.
WHOLE_TABLE_EXPECTATIONS = (
    "expect_table_columns_to_match_ordered_list",
    "expect_table_column_count_to_equal",
)


def suite_columns(gx_dir: Path, layer: str, table: str) -> list[str] | None:
    """The columns the table's suite checks (sorted), or None when it needs them all.

    A check frame carries only these: a 26M-row ratings frame with its two text columns dropped is
    cheaper to write, and to load into GX's pandas engine, than `select *`, and no expectation
    looks at the columns left out.
    """
    columns: set[str] = set()
    for expectation in load_suite(gx_dir, layer, table)["expectations"]:
        kwargs = expectation["kwargs"]
        if expectation["type"] in WHOLE_TABLE_EXPECTATIONS or kwargs.get("exact_match") is True:
            return None
        columns.update(name for key in ("column", "column_A", "column_B") if (name := kwargs.get(key)))
        columns.update(kwargs.get("column_list", ()), kwargs.get("column_set", ()))
        condition = kwargs.get("row_condition")
        if isinstance(condition, dict) and isinstance(condition.get("column"), dict):
            columns.add(condition["column"]["name"])  # GX's comparison condition on one column
    return sorted(columns) or None


def suites_digest(gx_dir: Path, layer: str) -> str:
    """A digest of the layer's suites: the same data checked by other expectations is checked again."""
    digest = hashlib.sha256()
    for path in sorted((gx_dir / "expectations").glob(f"{layer}__*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_suite(gx_dir: Path, layer: str, table: str) -> dict[str, Any]:
    """The committed suite of one table (`expectations/<layer>__<table>.json`)."""
    return json.loads((gx_dir / "expectations" / f"{layer}__{table}.json").read_text(encoding="utf-8"))


def offending_rows(sql: str, suite: dict[str, Any]) -> str:
    """The check frame of a table too large for GX's pandas engine (a 26M-row raw ratings load).

    The frame has one `delivery` row with the table's row count, then every row that fails one of
    the suite's row checks, with its values as delivered. Each expectation of the suite checks one
    kind of row: its GX `row_condition` is the comparison `kind == "delivery"` or
    `kind == "offending"`. The offending rows are found from the suite itself. For
    `expect_column_values_to_not_be_null` they are the nulls; for
    `expect_column_values_to_be_between`, the values outside its literal bounds (a null passes,
    as in GX). So each row check fails on the same values as on the whole table. Any other row
    check, `mostly`, a strict bound or a parameter as a bound is an error here: an edit to the
    suite cannot turn into a weaker check. An empty table still gives the `delivery` row (0 rows).
    """
    columns: dict[str, None] = {}  # the frame's value columns, in the suite's order
    conditions: list[str] = []
    for expectation in suite["expectations"]:
        kind, kwargs = expectation["type"], expectation["kwargs"]
        if kind == "expect_table_columns_to_match_set" and kwargs.get("exact_match") is not True:
            columns.update(dict.fromkeys(kwargs["column_set"]))
        elif _checks_kind(kwargs) == DELIVERY and kwargs.get("column") == "row_count":
            continue
        elif _checks_kind(kwargs) == OFFENDING and kind in _OFFENDING_WHEN and "mostly" not in kwargs:
            columns[kwargs["column"]] = None
            conditions.append(_OFFENDING_WHEN[kind](sql_identifier(kwargs["column"]), kwargs))
        else:
            raise ValueError(
                f"suite {suite.get('name')}: {kind}({kwargs.get('column', '')}) cannot be checked on a"
                " delivery row and offending rows; see flows.quality.offending_rows"
            )
    if not conditions:
        raise ValueError(f"suite {suite.get('name')}: no row check to find offending rows by")
    quoted = [sql_identifier(column) for column in columns]
    return f"""with checked as ({sql})
        select '{DELIVERY}' as kind, count(*) as row_count, {", ".join(f"null as {c}" for c in quoted)}
        from checked
        union all
        select '{OFFENDING}', null, {", ".join(quoted)}
        from checked
        where {" or ".join(conditions)}"""


def _checks_kind(kwargs: dict[str, Any]) -> str | None:
    """The kind of row an expectation's `row_condition` picks (`kind == "delivery"`), else None."""
    condition = kwargs.get("row_condition")
    if not isinstance(condition, dict) or condition.get("type") != "comparison":
        return None
    if condition.get("column") != {"name": "kind"} or condition.get("operator") != "==":
        return None
    return condition.get("parameter")


def _outside_bounds(column: str, kwargs: dict[str, Any]) -> str:
    if kwargs.get("strict_min") or kwargs.get("strict_max"):
        raise ValueError(f"{column}: strict bounds are not checked on offending rows")
    tests = []
    for key, operator in (("min_value", "<"), ("max_value", ">")):
        bound = kwargs.get(key)
        if bound is None:
            continue
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise ValueError(f"{column}: {key} must be a number to find offending rows, not {bound!r}")
        tests.append(f"{column} {operator} {bound!r}")
    if not tests:
        raise ValueError(f"{column}: a between check with no bound finds no offending row")
    return f"({' or '.join(tests)})"


_OFFENDING_WHEN: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "expect_column_values_to_not_be_null": lambda column, _: f"{column} is null",
    "expect_column_values_to_be_between": _outside_bounds,
}


def _projected(sql: str, columns: list[str] | None) -> str:
    if columns is None:
        return sql
    return f"select {', '.join(map(sql_identifier, columns))} from ({sql}) as checked"


def write_frames(
    layer: str, settings: Settings, folder: Path, tables: Collection[str] | None = None
) -> dict[str, int]:
    """Compute the check frames of `layer` (all, or `tables`) into `<folder>/<table>.parquet`,
    each with the columns its suite checks; returns rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    gx_dir = settings.gx_root / "gx"
    lake = Lake(settings.lake_url)
    with duckdb.connect() as connection:
        open_lake(connection, settings.lake_url)
        if layer == "gold" and settings.dbt_target == "duckdb":
            connection.execute(f"attach {sql_string(settings.warehouse_path)} as warehouse (read_only)")
            connection.execute("use warehouse")
        for table, frame in TABLES[layer].items():
            if tables is not None and table not in tables:
                continue
            path = folder / f"{table}.parquet"
            if frame.offending_only:
                sql = offending_rows(frame.sql(lake), load_suite(gx_dir, layer, table))
            else:
                sql = _projected(frame.sql(lake), suite_columns(gx_dir, layer, table))
            if layer == "gold" and settings.dbt_target != "duckdb":  # the mart count comes from the target
                fct_rows = int(trino_frame("select count(*) as n from marts.fct_ratings")["n"].iloc[0])
                sql = sql.replace("(select count(*) from warehouse.marts.fct_ratings)", str(fct_rows))
            if frame.on_warehouse and settings.dbt_target != "duckdb":
                trino_frame(sql).to_parquet(path, index=False)
            else:
                connection.execute(f"copy ({sql}) to {sql_string(path)} (format parquet)")
            counted = "max(row_count)" if frame.offending_only else "count(*)"  # the rows checked
            (rows[table],) = connection.sql(
                f"select cast({counted} as bigint) from read_parquet({sql_string(path)})"
            ).fetchone() or (0,)
    return rows


# ---------------------------------------------------------------- expectation parameters


def _bounds(previous: int | None, max_change: float) -> tuple[int, int | None]:
    if not previous:
        return 1, None
    return max(1, math.floor(previous * (1 - max_change))), math.ceil(previous * (1 + max_change))


def raw_parameters(settings: Settings, tables: Collection[str] = FILE_DELIVERIES) -> dict[str, Any]:
    """Row-count bounds for each file delivery: its previous load's count +- MOVIES_RAW_MAX_CHANGE."""
    parameters: dict[str, Any] = {}
    with duckdb.connect() as connection:
        open_lake(connection, settings.lake_url)
        for table in (table for table in FILE_DELIVERIES if table in tables):
            dataset, name = table.split("_", 1)
            counts = connection.sql(
                f"select count(*) from {_files(settings.lake_url, 'raw', f'{dataset}/{name}')} "
                "group by _dlt_load_id order by _dlt_load_id desc limit 2"
            ).fetchall()
            previous = counts[1][0] if len(counts) > 1 else None
            parameters[f"{table}_min_rows"], parameters[f"{table}_max_rows"] = _bounds(
                previous, settings.raw_max_change
            )
    return parameters


def layer_parameters(layer: str, settings: Settings, tables: Collection[str] | None = None) -> dict[str, Any]:
    """The `$PARAMETER` values a layer's suites (all, or those of `tables`) refer to."""
    if layer == "raw":
        return raw_parameters(settings, FILE_DELIVERIES if tables is None else tables)
    if layer == "gold":
        return {"gold_max_age_hours": settings.gold_max_age_hours}
    return {}


# ---------------------------------------------------------------- running a layer


@contextmanager
def _context_lock(gx_dir: Path) -> Iterator[None]:
    """One validation at a time per GX context: frames, results and Data Docs are shared files."""
    (gx_dir / "uncommitted").mkdir(parents=True, exist_ok=True)
    with (gx_dir / "uncommitted" / "validate.lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def validate_layer(
    layer: str, settings: Settings, sources: Collection[str] | None = None, clock_only: bool = False
) -> LayerResult:
    """Write the layer's check frames, run its checkpoint, raise QualityError on critical failures.

    `sources`: the sources this run delivered. Raw checks cover only their tables (a source left out
    of a run may have nothing in the lake yet); the others are listed as skipped. `clock_only`: only
    the checks whose result depends on the time (gold's freshness), for data already checked.
    """
    gx_dir = settings.gx_root / "gx"
    tables = [
        table for table in layer_tables(layer, sources) if TABLES[layer][table].on_clock or not clock_only
    ]
    with _context_lock(gx_dir):
        result = LayerResult(layer=layer, skipped=[t for t in TABLES[layer] if t not in tables])
        result.rows_checked = write_frames(layer, settings, gx_dir / FRAMES_DIR / layer, tables)
        context = _context(settings.gx_root)
        parameters = layer_parameters(layer, settings, tables)
        with chdir(context.root_directory):  # see checkpoint(): relative paths are the context root's
            validations = run_checks(context, layer, tables, parameters)
        for validation in validations:
            table = validation.suite_name.split("__", 1)[1]
            result.evaluated += len(validation.results)
            result.failures += [_failure(table, item) for item in validation.results if not item.success]
        vendor_data_docs(data_docs_index(settings.gx_root).parent)
    if result.critical:
        details = "; ".join(f.describe(layer) for f in result.critical)
        raise QualityError(
            f"{len(result.critical)} critical expectation(s) failed in layer {layer}: {details}"
        )
    return result


def quarantine_by_reason(settings: Settings) -> list[dict[str, Any]]:
    """Quarantined rows per layer, source, entity and reason, as the warehouse's mart counts them."""
    sql = (
        "select layer, source_name, entity, reason, count(*) as row_count from marts.fct_quarantined_records "
        "group by 1, 2, 3, 4 order by row_count desc, layer, source_name, entity, reason"  # both engines' SQL
    )
    with warehouse_query(settings.dbt_target, settings.warehouse_path) as query:
        return query(sql).to_dict(orient="records")


def run_checks(context: Any, layer: str, tables: list[str], parameters: dict[str, Any]) -> list[Any]:
    """Validate `tables` of `layer`: the layer's checkpoint when it is all of them; otherwise the
    checkpoint's own validation definitions for those tables, then the Data Docs pages of those
    results and the index (what the checkpoint's UpdateDataDocsAction renders per validation).

    Only this run's pages are rendered: a whole-site build renders every stored result again, and
    the store keeps every run's, so its cost would grow with every run.
    """
    layer_checkpoint = checkpoint(context, layer)
    if tables == list(TABLES[layer]):
        return list(layer_checkpoint.run(expectation_parameters=parameters).run_results.values())
    from great_expectations.core.run_identifier import RunIdentifier

    wanted = {f"{layer}__{table}" for table in tables}
    run_id = RunIdentifier(run_time=datetime.now(UTC))
    validations = [
        definition.run(
            expectation_parameters=parameters, result_format=layer_checkpoint.result_format, run_id=run_id
        )
        for definition in layer_checkpoint.validation_definitions
        if definition.name in wanted
    ]
    context.build_data_docs(resource_identifiers=_docs_resources(validations, run_id))
    return validations


def _docs_resources(validations: list[Any], run_id: Any) -> list[Any]:
    """The store keys of these validation results and of their suites (the pages to render)."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    resources: list[Any] = []
    for validation in validations:
        suite = ExpectationSuiteIdentifier(name=validation.suite_name)
        resources += [ValidationResultIdentifier(suite, run_id, validation.batch_id), suite]
    return resources


def data_docs_index(gx_root: Path) -> Path:
    """Where the local Data Docs site's index page is written."""
    return gx_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


# ---------------------------------------------------------------- the GX context


def _context(gx_root: Path) -> Any:
    import great_expectations as gx  # a heavy import: only when validating

    _without_batch_fingerprints()
    return gx.get_context(mode="file", project_root_dir=str(gx_root))


def _without_batch_fingerprints() -> None:
    """Stop GX's pandas engine from md5-hashing every batch under 1 GB for a batch marker.

    The marker (`pandas_data_fingerprint`) is informational: nothing in a validation reads it. At
    Kaggle scale the raw ratings frame (26M rows, 0.8 GB) falls under GX's threshold, and hashing it
    was 27% of the raw layer's time (py-spy). GX has no setting for it; its engine compares the
    frame's size with the module's `HASH_THRESHOLD` on each batch, so a threshold of 0 turns it off.
    """
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def checkpoint(context: Any, layer: str) -> Any:
    """The layer's checkpoint; created with its validation definitions the first time (then committed)."""
    from great_expectations.checkpoint import UpdateDataDocsAction

    import great_expectations as gx

    try:
        return context.checkpoints.get(layer)
    except Exception:  # GX raises a bare DataContextError subclass per store; absence is expected
        pass
    # GX resolves the datasource's relative base_directory against the working directory when it
    # tests and reads it: callers run this from the context root (validate_layer does).
    definitions = [_definition(context, f"{layer}__{table}", layer, table) for table in TABLES[layer]]
    return context.checkpoints.add(
        gx.Checkpoint(
            name=layer,
            validation_definitions=definitions,
            actions=[UpdateDataDocsAction(name="update_data_docs")],
        )
    )


def _definition(context: Any, name: str, layer: str, table: str) -> Any:
    """A table's validation definition: its suite on its parquet check frame."""
    import great_expectations as gx

    try:
        return context.validation_definitions.get(name)
    except Exception:
        pass
    try:
        datasource = context.data_sources.get(DATASOURCE)
    except Exception:
        datasource = context.data_sources.add_pandas_filesystem(DATASOURCE, base_directory=FRAMES_DIR)
    asset = datasource.add_parquet_asset(name)
    batch = asset.add_batch_definition_path(BATCH, path=f"{layer}/{table}.parquet")
    suite = context.suites.get(name)
    return context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))


def _failure(table: str, item: Any) -> Failure:
    config = item.expectation_config
    severity = str(getattr(config, "severity", "critical")).split(".")[-1].lower()
    result = item.result or {}
    sample = result.get("partial_unexpected_list") or (
        [result["observed_value"]] if "observed_value" in result else []
    )
    if sample and all(value is None for value in sample):  # nulls say nothing: say how many
        sample = [f"{result.get('unexpected_count')} null ({result.get('unexpected_percent', 0):.2f}%)"]
    return Failure(table=table, expectation=config.type, severity=severity,
                   column=config.kwargs.get("column"), sample=list(sample))  # fmt: skip


# ---------------------------------------------------------------- Data Docs offline

BOOTSTRAP_CDN = (
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1",
)
FONT_AWESOME_CDN = "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0"
VENDORED = {  # CDN asset GX's templates load -> (xstatic package, file inside it)
    f"{BOOTSTRAP_CDN[0]}/css/bootstrap.min.css": ("bootstrap", "css/bootstrap.min.css"),
    f"{BOOTSTRAP_CDN[1]}/js/bootstrap.min.js": ("bootstrap", "js/bootstrap.bundle.min.js"),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery", "jquery.min.js"),
    f"{FONT_AWESOME_CDN}/css/all.min.css": ("font_awesome", "css/all.min.css"),
}
CDN_PREFIXES = (
    *("https://cdn.jsdelivr.net/", "https://cdnjs.cloudflare.com/", "https://unpkg.com/"),
    *("https://stackpath.bootstrapcdn.com/", "https://maxcdn.bootstrapcdn.com/", "https://code.jquery.com/"),
)
LOCAL_IMAGES = re.compile(r"((?:src|href)=\")(?:\.\.?/)*static/images/")
GX_ASSETS = re.compile(r"https://great-expectations-web-assets[^\"/]*/([\w.-]+)(\?[^\"]*)?")


def _xstatic_dir(package: str) -> Path | None:
    try:
        module = __import__(f"xstatic.pkg.{package}", fromlist=["BASE_DIR"])
    except ImportError:
        return None
    return Path(module.BASE_DIR)


def vendor_data_docs(site: Path) -> int:
    """Point Data Docs at local copies of Bootstrap, jQuery and Font Awesome (XStatic packages).

    Assets no installed package ships (bootstrap-table, datepicker, Vega: only enhancements) are
    dropped and the GX logo (fetched from GX's bucket with the context id) comes from the site's own
    static/images, so a page never touches the network. Returns the number of pages rewritten.
    """
    if not site.is_dir():
        return 0
    vendor = site / "static" / "vendor"
    for package in {package for package, _ in VENDORED.values()}:
        source = _xstatic_dir(package)
        if source is not None and not (vendor / package).exists():
            shutil.copytree(source, vendor / package)
    rewritten = 0
    for page in site.rglob("*.html"):
        text = original = page.read_text(encoding="utf-8")
        prefix = os.path.relpath(vendor, page.parent)
        for url, (package, file) in VENDORED.items():
            if (vendor / package / file).exists():
                text = text.replace(url, f"{prefix}/{package}/{file}")
        images = os.path.relpath(site / "static" / "images", page.parent)
        text = GX_ASSETS.sub(rf"{images}/\1", text)
        # GX writes some pages' own image links one folder too shallow (favicon on validation pages).
        text = LOCAL_IMAGES.sub(f"\\1{images}/", text)
        text = _drop_remote_tags(text)
        if text != original:
            page.write_text(text, encoding="utf-8")
            rewritten += 1
    return rewritten


def _drop_remote_tags(text: str) -> str:
    """Remove <script src> / <link href> tags that still point at a CDN."""
    hosts = "|".join(re.escape(prefix) for prefix in CDN_PREFIXES)
    pattern = rf"<(script|link)\b[^>]*(src|href)=\"({hosts})[^\"]*\"[^>]*>(\s*</script>)?"
    return re.sub(pattern, "", text)
