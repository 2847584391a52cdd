"""Check frames: per table, the SQL whose result a layer's suite validates.

A frame is the table itself, or a query that adds the columns a check needs (a month gap, a
duplicated key, an orphan row); for the 26M-row silver and gold ratings, the aggregates their suites
check. Raw tables are read as their parquet files, silver's Iceberg tables at the snapshots a run
first reads (Lake), gold's marts on the warehouse's own engine.

The SQL itself lives in Jinja templates under `quality/sql/`, so a frame is read and reviewed as
SQL: `<layer>/<table>.sql` for a table with a frame of its own, named like the suite it feeds
(`gold/fct_ratings.sql` for `gold__fct_ratings.json`), shared ones otherwise (`raw/latest_load.sql`,
`whole_table.sql`), and fragments in `macros.sql`. This module only says which template makes which
table's frame, with which relations: Python builds those (`parquet`, `Lake.silver`), quoting every
path it puts in them, and the templates quote any other value through the `sql_string` filter
(lakehouse.sql), so a configured value never extends the SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

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

# SQL, not HTML: nothing is escaped (autoescape off); values are quoted by `sql_string` instead.
# StrictUndefined: a parameter a template names but is not given is an error, not an empty string.
_TEMPLATES = Environment(
    loader=PackageLoader("quality", "sql"),
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["sql_string"] = sql_string


def render(template: str, **parameters: Any) -> str:
    """The SQL of one template under quality/sql/ (`<layer>/<table>.sql`) with its parameters."""
    return _TEMPLATES.get_template(template).render(**parameters).strip()


def _macro(name: str) -> Any:
    """A macro of quality/sql/macros.sql, callable from Python (it returns SQL text)."""
    return getattr(_TEMPLATES.get_template("macros.sql").module, name)


def parquet(lake: str, layer: str, table: str) -> str:
    """A relation reading every parquet file of one lake table (the path quoted, never spliced)."""
    return str(_macro("parquet")(f"{lake}/{layer}/{table}/**/*.parquet"))


def duplicated_keys(relation: str, keys: Sequence[str]) -> str:
    """A scalar subquery: how many keys of `relation` more than one row holds (nulls compare equal,
    as GROUP BY has them); macros.sql says how it finds them. `keys` are column names of the code's
    own (SILVER_KEYS), spliced as identifiers."""
    return str(_macro("duplicated_keys")(relation, tuple(keys)))


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


@dataclass(frozen=True)
class Entity:
    """One silver entity as a template lists it: its name, the relation reading it and its key."""

    name: str
    relation: str
    keys: tuple[str, ...] = ()


def raw_latest(lake: str, dataset: str, table: str, template: str = "raw/latest_load.sql") -> str:
    """The rows of a raw table's latest load (its highest `_dlt_load_id`), by `template`: the plain
    load, or one extending it with the columns a check needs."""
    return render(template, files=parquet(lake, "raw", f"{dataset}/{table}"))


def _cpi_months(lake: str) -> str:
    """CPI months delivered (with a value, or explicitly without one: FRED's quarantined rows)."""
    return render(
        "raw/fred_cpiaucsl.sql",
        cpi=parquet(lake, "raw", "fred/cpiaucsl"),
        quarantine=parquet(lake, "raw", "fred/quarantine"),
    )


def key_report(lake: Lake) -> str:
    """Per silver entity: its row count and how many of its keys (SILVER_KEYS) repeat."""
    entities = [Entity(entity, lake.silver(entity), keys) for entity, keys in SILVER_KEYS.items()]
    return render("silver/entity_keys.sql", entities=entities)


def _orphans(lake: Lake) -> str:
    """Per bridge of a movie (MOVIE_BRIDGES): its rows whose movie is not in silver movies."""
    bridges = [Entity(entity, lake.silver(entity)) for entity in MOVIE_BRIDGES]
    return render("silver/orphans.sql", movies=lake.silver("movies"), bridges=bridges)


def silver_ratings(lake: Lake) -> str:
    """Silver ratings (26M rows at Kaggle scale) as the aggregates its suite checks, computed by
    DuckDB, so GX's pandas engine never loads and scans every row."""
    return render("silver/ratings.sql", relation=lake.silver("ratings"))


def _silver(template: str, entity: str) -> Callable[[Lake], str]:
    """The frame of one silver entity: `template` over its relation at the run's snapshot."""
    return lambda lake: render(template, relation=lake.silver(entity))


def reconciliation(lake: Lake) -> str:
    """Ratings delivered to raw, quarantined in silver, held in silver and in fct_ratings."""
    return render(
        "gold/reconciliation.sql",
        raw_ratings=parquet(lake.url, "raw", "kaggle/ratings"),
        quarantine=lake.silver("quarantine"),
        silver_ratings=lake.silver("ratings"),
    )


# Gold frames run on the warehouse's own engine (DuckDB or Trino): portable SQL only (explicit
# casts for division, no `::`), checked on both in tests/dbt_project/test_trino.py. They read the
# marts by fixed names, so they are rendered once.
GOLD_DISTRIBUTIONS = render("gold/distributions.sql")
# fct_ratings (26M rows at Kaggle scale) is checked by aggregates its engine computes; its key is
# dbt's test, not repeated here (see the template).
GOLD_RATINGS = render("gold/fct_ratings.sql")
GOLD_FRESHNESS = render("gold/freshness.sql")


def _mart(name: str) -> str:
    """A mart checked row by row as it is (its suite's columns are cut by quality.suites)."""
    return render("whole_table.sql", relation=f"marts.{name}")


@dataclass(frozen=True)
class Frame:
    """How one table's check frame is made: SQL over the lake, or over the warehouse (gold)."""

    sql: Callable[[Lake], str]
    on_warehouse: bool = False
    offending_only: bool = False  # checked as `offending_rows` of the SQL, not row by row
    on_clock: bool = False  # its result depends on the time of the check, not only on the data
    raw_table: str | None = None  # a raw frame's `<dataset>/<table>`: checked once it holds a load


def _raw(dataset: str, table: str, template: str = "raw/latest_load.sql", **flags: bool) -> Frame:
    """The frame of a raw table: its latest load, by `template`."""
    return Frame(lambda lake: raw_latest(lake.url, dataset, table, template), raw_table=f"{dataset}/{table}",
                 **flags)  # fmt: skip


TABLES: dict[str, dict[str, Frame]] = {
    "raw": {
        "kaggle_movies_metadata": _raw("kaggle", "movies_metadata", "raw/kaggle_movies_metadata.sql"),
        "kaggle_ratings": _raw("kaggle", "ratings", offending_only=True),
        "kaggle_links": _raw("kaggle", "links"),
        "kaggle_credits": _raw("kaggle", "credits"),
        "fred_cpiaucsl": Frame(lambda lake: _cpi_months(lake.url), raw_table="fred/cpiaucsl"),
        "omdb_movies": _raw("omdb", "movies"),
        "tmdb_movies": _raw("tmdb", "movies"),
        "yts_movies": _raw("yts", "movies"),
    },
    "silver": {
        "entity_keys": Frame(key_report),
        "orphans": Frame(_orphans),
        "movies": Frame(_silver("whole_table.sql", "movies")),
        "movie_genres": Frame(_silver("whole_table.sql", "movie_genres")),
        "ratings": Frame(silver_ratings),
        "cpi_monthly": Frame(_silver("silver/cpi_monthly.sql", "cpi_monthly")),
        "movie_financials": Frame(_silver("silver/movie_financials.sql", "movie_financials")),
    },
    "gold": {
        "dim_movies": Frame(lambda _: _mart("dim_movies"), on_warehouse=True),
        "fct_ratings": Frame(lambda _: GOLD_RATINGS, on_warehouse=True),
        "rpt_top_rated_movies": Frame(lambda _: _mart("rpt_top_rated_movies"), on_warehouse=True),
        "distributions": Frame(lambda _: GOLD_DISTRIBUTIONS, on_warehouse=True),
        "freshness": Frame(lambda _: GOLD_FRESHNESS, on_warehouse=True, on_clock=True),
        "reconciliation": Frame(reconciliation),
    },
}


def layer_tables(
    layer: str, sources: Collection[str] | None = None, loaded: Collection[str] | None = None
) -> list[str]:
    """The tables a layer checks. Raw tables belong to a source (`<source>_<table>`): with `sources`
    given, only the ones this run delivered, and with `loaded` (the lake's raw tables that hold a
    load) only those: a source may have loaded nothing yet (OMDb with its day's quota spent at the
    first call). Silver and gold are always checked whole."""
    tables = list(TABLES[layer])
    if layer != "raw" or sources is None:
        return tables
    delivered = [table for table in tables if table.split("_", 1)[0] in sources]
    return [t for t in delivered if loaded is None or TABLES[layer][t].raw_table in loaded]
