"""What a silver table must redo since its last commit, and the raw rows that redo reads.

Every commit records the watermarks of the raw tables the table was built from
(spark.jobs.silver_current). A later build compares them with raw/ and, where it can, changes the
table in place instead of replacing it (`ChangeFinder.since`):

- PER_MOVIE_RAW tables are read per movie. The *changed movies* are those with a change point
  (spark.transforms.versions) in a load not consumed yet. A per-movie table (MOVIE_KEYED) rebuilds
  only their rows, from every load of theirs, and swaps them in by one MERGE (spark.lake.Lake.merge_scope).
- PER_LOAD_RAW tables (ratings, each source's raw quarantine) are read only for their new loads:
  their rejects are judged row by row.
- WHOLE_SOURCES (OMDb and YTS answers, a few thousand rows) have their rejects rebuilt whole.

Quarantine takes all three: its rows of the changed movies, its rows without a movie from the new
loads, and its OMDb and YTS rows are replaced (`Changes.quarantine_scope`). Anything else (a new raw table, a
late older load, another base month, CPI or links for a per-movie table) rebuilds the table whole,
and so does a change of more than MAX_MERGED_MOVIES movies, where a replace costs less than a merge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from spark.jobs.ratings import new_loads
from spark.lake import Lake
from spark.transforms import versions

PER_MOVIE_RAW = frozenset({"kaggle/movies_metadata", "kaggle/credits", "kaggle/keywords", "tmdb/movies"})
PER_LOAD_RAW = frozenset(
    {"kaggle/ratings", *(f"{source}/quarantine" for source in ("kaggle", "fred", "tmdb", "omdb", "yts"))}
)
WHOLE_SOURCES = ("omdb", "yts")
# Silver tables keyed by movie whose rows are computed from that movie's raw rows alone.
MOVIE_KEYED = frozenset(
    {
        "movies", "movie_genres", "movie_financials", "movie_companies", "movie_countries",
        "movie_languages", "movie_release_dates", "movie_external_ids", "movie_keywords",
        "movie_cast", "movie_crew",
    }
)  # fmt: skip
QUARANTINE = "quarantine"
MAX_MERGED_MOVIES = 10_000


@dataclass(frozen=True)
class Changes:
    """The movies to rebuild and the loads a table has not consumed yet (per changed raw table)."""

    movie_ids: tuple[int, ...]
    new_loads: dict[str, list[str]]

    @property
    def load_ids(self) -> list[str]:
        """Every new load id, oldest first."""
        return sorted({load for loads in self.new_loads.values() for load in loads}, key=float)

    def movies_in_scope(self, alias: str) -> str:
        """SQL: the row belongs to a changed movie."""
        if not self.movie_ids:
            return "false"
        return f"{alias}.movie_id in ({', '.join(str(movie) for movie in self.movie_ids)})"

    def quarantine_scope(self, alias: str) -> str:
        """SQL: a quarantine row this build recomputes (see the module docstring)."""
        loaded = ", ".join(f"timestamp_seconds(cast('{load}' as double))" for load in self.load_ids)
        from_loads = f"({alias}.movie_id is null and {alias}._loaded_at in ({loaded}))" if loaded else "false"
        whole = ", ".join(f"'{source}'" for source in WHOLE_SOURCES)
        whole_sources = f"({alias}.layer = 'silver' and {alias}.source in ({whole}))"
        return f"({self.movies_in_scope(alias)} or {from_loads} or {whole_sources})"


def widest(found: Iterable[Changes]) -> dict[tuple[int, ...], Changes]:
    """One Changes per set of changed movies, naming every new load any of `found` names: the raw
    rows read once for it serve every table that rebuilds those movies (each filters them by its
    own scope)."""
    wide: dict[tuple[int, ...], dict[str, set[str]]] = {}
    for changes in found:
        loads = wide.setdefault(changes.movie_ids, {})
        for table, added in changes.new_loads.items():
            loads.setdefault(table, set()).update(added)
    return {
        movies: Changes(movies, {table: sorted(added, key=float) for table, added in sorted(loads.items())})
        for movies, loads in wide.items()
    }


class ChangeFinder:
    """`since`: what an entity must redo by a merge (nothing merges on a `full_refresh`). The changed
    movies are found once per set of new loads (a Spark job each), however many entities ask."""

    def __init__(self, lake: Lake, full_refresh: bool = False) -> None:
        self.lake = lake
        self.full_refresh = full_refresh
        self._movies: dict[str, tuple[int, ...] | None] = {}

    def since(self, entity: str, recorded: Any, current: dict[str, Any]) -> Changes | None:
        """What `entity` must redo to go from its `recorded` inputs to `current` ones by a merge; None
        when only a rebuild is right (or the entity is not one that merges)."""
        if self.full_refresh or (entity not in MOVIE_KEYED and entity != QUARANTINE):
            return None
        if not isinstance(recorded, dict) or not isinstance(recorded.get("raw"), dict):
            return None
        same_shape = all(recorded.get(key) == current[key] for key in ("tables", "base_month"))
        if not same_shape or recorded["raw"].keys() != current["raw"].keys():
            return None
        mergeable = PER_MOVIE_RAW if entity in MOVIE_KEYED else _quarantine_mergeable(current["raw"])
        added: dict[str, list[str]] = {}
        for table, watermark in current["raw"].items():
            if recorded["raw"][table] == watermark:
                continue
            held = _loads(self.lake, table)
            loads = new_loads(tuple(recorded["raw"][table]), held) if table in mergeable else None
            if loads is None:
                return None
            added[table] = loads
        per_movie = {table: added[table] for table in sorted(added.keys() & PER_MOVIE_RAW)}
        key = repr(per_movie)
        if key not in self._movies:
            self._movies[key] = _changed_movies(self.lake, per_movie)
        movie_ids = self._movies[key]
        return None if movie_ids is None else Changes(movie_ids, added)


def _quarantine_mergeable(tables: Iterable[str]) -> frozenset[str]:
    whole = {table for table in tables if table.split("/")[0] in WHOLE_SOURCES}
    return PER_MOVIE_RAW | PER_LOAD_RAW | whole


def _loads(lake: Lake, table: str) -> list[str]:
    dataset, name = table.split("/")
    return lake.raw_load_ids(dataset, name)


def _changed_movies(lake: Lake, added: dict[str, list[str]]) -> tuple[int, ...] | None:
    """The movies with a change point in the new loads of the per-movie raw tables; None when there
    are more than MAX_MERGED_MOVIES."""
    found: set[int] = set()
    for table, loads in sorted(added.items()):
        dataset, name = table.split("/")
        points = versions.change_points(lake.read_raw(dataset, name))
        in_new = points.where(F.col("_dlt_load_id").isin(loads))
        movie = versions.raw_movie_id(in_new)
        rows = in_new.select(movie.alias("movie_id")).where("movie_id is not null").distinct()
        found |= {int(row["movie_id"]) for row in rows.limit(MAX_MERGED_MOVIES + 1).collect()}
        if len(found) > MAX_MERGED_MOVIES:
            return None
    return tuple(sorted(found))


class RawReader:
    """raw/ as a silver build reads it: whole (`changes` None), or only what `changes` rebuilds.

    Per-movie tables come as change points (spark.transforms.versions); restricted, they hold every
    load of the changed movies and the rows of the new loads that name no movie. Per-load tables
    hold their new loads only. Everything else is read whole.
    """

    def __init__(self, lake: Lake, changes: Changes | None = None) -> None:
        self.lake = lake
        self.changes = changes
        self._read: dict[str, DataFrame] = {}

    def read(self, dataset: str, table: str, empty_schema: StructType | None = None) -> DataFrame:
        """One raw table as described above; an absent one as `empty_schema` (spark.lake.Lake.read_raw).
        The same frame each time it is asked for (a restricted per-movie table is cached: its few rows
        feed several entities and their rejects, and finding them scans the whole raw table)."""
        name = f"{dataset}/{table}"
        if name not in self._read:
            self._read[name] = self._frame(dataset, table, empty_schema)
        return self._read[name]

    def _frame(self, dataset: str, table: str, empty_schema: StructType | None) -> DataFrame:
        name = f"{dataset}/{table}"
        changes = self.changes
        if name in PER_MOVIE_RAW:
            raw = self.lake.read_raw(dataset, table, empty_schema)
            if changes is None:
                return versions.change_points(raw)
            movie = versions.raw_movie_id(raw)
            chosen = movie.isin(list(changes.movie_ids)) if changes.movie_ids else F.lit(False)
            from_loads = movie.isNull() & F.col("_dlt_load_id").isin(changes.load_ids)
            return versions.change_points(raw.where(chosen | from_loads)).cache()
        if changes is not None and name in PER_LOAD_RAW:
            held = set(self.lake.raw_load_ids(dataset, table)) & set(changes.load_ids)
            if held:
                return self.lake.read_raw_loads(dataset, table, held)
            raw = self.lake.read_raw(dataset, table, empty_schema)
            return raw.where(F.lit(False))
        return self.lake.read_raw(dataset, table, empty_schema)
