"""Check frames: per table, the SQL whose result a layer's suite validates.

A frame is the table itself, or a query that adds the columns a check needs (a month gap, a
duplicated key, an orphan row); for the 26M-row silver and gold ratings, the aggregates their suites
check. Raw tables are read as their parquet files, silver's Iceberg tables at the snapshots a run
first reads (Lake), gold's marts on the warehouse's own engine.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

from lakehouse.catalog import catalog_for
from lakehouse.duckdb import metadata_locations, scan
from lakehouse.sql import sql_string

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
# Raw tables delivered as files: each load's row count is bounded by the previous one's (quality.parameters).
FILE_DELIVERIES = (
    "kaggle_movies_metadata",
    "kaggle_ratings",
    "kaggle_links",
    "kaggle_credits",
    "fred_cpiaucsl",
)


def parquet(lake: str, layer: str, table: str) -> str:
    """A relation reading every parquet file of one lake table (the path quoted, never spliced)."""
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


def raw_latest(lake: str, dataset: str, table: str, extra: str = "") -> str:
    """The rows of a raw table's latest load (its highest `_dlt_load_id`), with `extra` columns."""
    files = parquet(lake, "raw", f"{dataset}/{table}")
    return f"select *{extra} from {files} where _dlt_load_id = (select max(_dlt_load_id) from {files})"


def _cpi_months(lake: str) -> str:
    """CPI months delivered (with a value, or explicitly without one: FRED's quarantined rows)."""
    cpi = raw_latest(lake, "fred", "cpiaucsl")
    quarantine = parquet(lake, "raw", "fred/quarantine")
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
    sits next to its twin: faster than GROUP BY ... HAVING count(*) > 1 (dbt's
    unique_combination_of_columns test), whose hash table holds every key (docs/benchmark.md).
    Portable SQL: gold runs it on Trino too.
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


def key_report(lake: Lake) -> str:
    """Per silver entity: its row count and how many of its keys (SILVER_KEYS) repeat."""
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


def silver_ratings(lake: Lake) -> str:
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


def reconciliation(lake: Lake) -> str:
    """Ratings delivered to raw, quarantined in silver, held in silver and in fct_ratings."""
    raw = parquet(lake.url, "raw", "kaggle/ratings")
    quarantine = lake.silver("quarantine")
    return f"""
        with raw_ordered as (
            -- Each (user, movie) key's rows, a valid rating first: a key's first row says whether
            -- any load of it holds one (silver rejects a missing rating too). Ordered neighbours, not
            -- GROUP BY, as in duplicated_keys.
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
        "kaggle_movies_metadata": Frame(lambda lake: raw_latest(lake.url, "kaggle", "movies_metadata",
            ", case when release_date is not null and try_strptime(release_date, '%Y-%m-%d') is null "
            "then release_date end as release_date_unparsed")),
        "kaggle_ratings": Frame(lambda lake: raw_latest(lake.url, "kaggle", "ratings"), offending_only=True),
        "kaggle_links": Frame(lambda lake: raw_latest(lake.url, "kaggle", "links")),
        "kaggle_credits": Frame(lambda lake: raw_latest(lake.url, "kaggle", "credits")),
        "fred_cpiaucsl": Frame(lambda lake: _cpi_months(lake.url)),
        "omdb_movies": Frame(lambda lake: raw_latest(lake.url, "omdb", "movies")),
        "tmdb_movies": Frame(lambda lake: raw_latest(lake.url, "tmdb", "movies")),
        "yts_movies": Frame(lambda lake: raw_latest(lake.url, "yts", "movies")),
    },
    "silver": {
        "entity_keys": Frame(key_report),
        "orphans": Frame(_orphans),
        "movies": Frame(lambda lake: f"select * from {lake.silver('movies')}"),
        "movie_genres": Frame(lambda lake: f"select * from {lake.silver('movie_genres')}"),
        "ratings": Frame(silver_ratings),
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
        "reconciliation": Frame(reconciliation),
    },
}  # fmt: skip


def layer_tables(layer: str, sources: Collection[str] | None = None) -> list[str]:
    """The tables a layer checks. Raw tables belong to a source (`<source>_<table>`): with `sources`
    given, only the ones this run delivered; silver and gold are always checked whole."""
    tables = list(TABLES[layer])
    if layer != "raw" or sources is None:
        return tables
    return [table for table in tables if table.split("_", 1)[0] in sources]
