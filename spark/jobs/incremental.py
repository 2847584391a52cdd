"""Silver `ratings` (26M rows at Kaggle scale) published from the raw loads it has not yet consumed.

Silver ratings hold the latest valid rating per (user, MovieLens movie), resolved to `movie_id`
through movie_links and the movies we hold. Its manifest (`silver/ratings/_manifest.json`) records
what the live rows were built from:

- `code`: a fingerprint of what spark/'s sources do (not their comments) and the Spark version,
- `resolution`: a fingerprint of the MovieLens id -> movie_id mapping the rows were resolved with,
- `loads`: the raw `kaggle/ratings` loads consumed.

Each run compares that with the lake and publishes one of four ways (`PublishMode`):

- `unchanged`: same code, same resolution, no new load: nothing is written.
- `appended`: only loads newer than every consumed one are new, and none of their (user, movie)
  pairs is in silver yet: their rows are added beside the live files (one swap, see spark.lake).
- `merged`: as appended, but some pairs were rated before (a newer load always wins, so the live
  rows of those pairs are dropped and the new ones added), or the folder already holds
  `MAX_FILES` files (appends are compacted): one rewrite of silver, no re-read of raw.
- `full`: anything else (no manifest, code or resolution changed, a consumed load is gone, or a
  new load is older than a consumed one): rebuilt from every raw load, as a first run does.

Every mode ends with the rows a full rebuild would give; tests/spark/test_incremental.py checks
each against a rebuild of the same lake.

The whole build (`BuildRecord`): after every entity is published, `silver/_build.json` records a
fingerprint of everything the build read (the code, the requested CPI base month, and the name and
size of every file of every raw table) with the build's summary. A run whose fingerprint equals the
record, with every recorded entity still in place, publishes nothing and answers with that summary:
a re-run with no new delivery does no Spark work. A build removes the record before it publishes
anything, so a build that dies half way is never taken for a finished one.

Entity groups (`Group`): entities built together from the same inputs (e.g. movie_cast, movie_crew
and people from credits) are skipped whole when a fingerprint of everything they read (the code,
the raw loads of their raw tables, the rows of the frames they take from other entities) equals the
one each was published with. Their quarantine rows are published beside them as a hidden part
(`silver/_quarantine-<group>/`) that the quarantine entity reads, so a skipped group's rejects stay
in quarantine exactly as they were.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyspark
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark.lake import Lake
from spark.transforms import ratings

ENTITY = "ratings"
BUILD_RECORD = "_build.json"
KEYS = ["user_id", "movielens_movie_id"]
WHOLE_FILES = 4  # files of an entity published whole (every silver entity but ratings)
# A rewrite of ratings (full or merged) writes one file per Spark partition as the work left them:
# the dedupe's shuffle partitions (full), or the live files' read splits of up to 64 MB (merged),
# 7-8 files at Kaggle scale. Coalescing those into WHOLE_FILES gave one task up to twice the rows
# of another (files of 255/86/2/1 MB): on 2 cores the 26M-row merge took 16-19.5 s instead of 14 s.
MAX_FILES = 32  # appends add one file each; at this many, the next one rewrites the entity
SPARK_SOURCES = Path(__file__).resolve().parents[1]
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)  # may open with a docstring


class PublishMode(StrEnum):
    """How a run published a silver entity: rebuilt (`full`), added to, or left as it was."""

    UNCHANGED = "unchanged"
    APPENDED = "appended"
    MERGED = "merged"
    FULL = "full"


@dataclass(frozen=True)
class Manifest:
    """What silver ratings were built from."""

    code: str
    resolution: str
    loads: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The manifest as written to the lake."""
        return {"code": self.code, "resolution": self.resolution, "loads": list(self.loads)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Manifest | None:
        """A stored manifest, or None when there is none or it is not one of ours."""
        if not data or not {"code", "resolution", "loads"} <= data.keys():
            return None
        return cls(str(data["code"]), str(data["resolution"]), tuple(map(str, data["loads"])))


def code_fingerprint() -> str:
    """sha256 of what every spark/ source file does (`code_shape`) and the Spark version: new code
    rebuilds from raw, a change to comments, docstrings or layout alone does not (at Kaggle scale a
    rebuild of ratings is 40 s against 25 s for a day's merge)."""
    digest = hashlib.sha256(pyspark.__version__.encode())
    for path in sorted(SPARK_SOURCES.rglob("*.py")):
        digest.update(path.relative_to(SPARK_SOURCES).as_posix().encode())
        digest.update(code_shape(path.read_text(encoding="utf-8")).encode())
    return digest.hexdigest()


def code_shape(source: str) -> str:
    """A module's syntax tree without its docstrings, as text: comments and layout are not in a tree.

    The tree's text belongs to the Python version that parsed it, so a new Python rebuilds too.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, _DOCUMENTED) and node.body and _is_docstring(node.body[0]):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def rows_fingerprint(frame: DataFrame) -> str:
    """sha256 of a small frame's rows in order of all its columns (tens of thousands of ids, not 26M)."""
    digest = hashlib.sha256(",".join(frame.columns).encode())
    for row in frame.orderBy(*frame.columns).collect():
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def resolution_fingerprint(resolved: DataFrame) -> str:
    """The fingerprint of the (movielens_movie_id, movie_id) pairs (one per MovieLens movie)."""
    return rows_fingerprint(resolved.select("movielens_movie_id", "movie_id"))


def new_loads(stored: Manifest | None, wanted: Manifest) -> list[str] | None:
    """The loads to add to the stored rows, oldest first; None when only a full rebuild is right."""
    if stored is None or (stored.code, stored.resolution) != (wanted.code, wanted.resolution):
        return None
    consumed = set(stored.loads)
    if not consumed <= set(wanted.loads):
        return None  # a consumed load is gone from raw: the stored rows may hold its ratings
    added = [load for load in wanted.loads if load not in consumed]
    if added and consumed and min(map(float, added)) <= max(map(float, consumed)):
        return None  # an older load arrived late: its rows must lose to newer ones, pair by pair
    return added


def publish_ratings(lake: Lake, links: DataFrame, movies: DataFrame) -> PublishMode:
    """Publish silver ratings from the raw loads not yet consumed (see the module docstring)."""
    resolved = ratings.resolved_links(links, movies)
    wanted = Manifest(
        code_fingerprint(), resolution_fingerprint(resolved), tuple(lake.raw_load_ids("kaggle", ENTITY))
    )
    added = new_loads(Manifest.from_json(lake.read_manifest(ENTITY)), wanted)
    if added is None:
        rows, _ = ratings.silver_ratings(lake.read_raw("kaggle", ENTITY), links, movies)
        lake.publish_silver(rows, ENTITY, manifest=wanted.as_json())
        return PublishMode.FULL
    if not added:
        return PublishMode.UNCHANGED
    delta, _ = ratings.silver_ratings(lake.read_raw_loads("kaggle", ENTITY, set(added)), links, movies)
    delta = delta.cache()
    try:
        live = lake.read_silver(ENTITY)
        room = len(lake.silver_data_files(ENTITY)) < MAX_FILES
        if room and live.join(F.broadcast(delta.select(KEYS)), KEYS, "semi").isEmpty():
            lake.publish_silver(delta.coalesce(1), ENTITY, manifest=wanted.as_json(), keep_live=True)
            return PublishMode.APPENDED
        kept = live.join(delta.select(KEYS), KEYS, "left_anti")
        lake.publish_silver(kept.unionByName(delta.coalesce(1)), ENTITY, manifest=wanted.as_json())
        return PublishMode.MERGED
    finally:
        delta.unpersist()


def build_fingerprint(lake: Lake, requested_base: str | None) -> str:
    """sha256 of what a whole silver build reads: the code, the requested base month and raw/'s files."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(f"base month:{requested_base};".encode())
    for name, size in lake.raw_listing():
        digest.update(f"{name}:{size};".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildRecord:
    """`silver/_build.json`: the fingerprint of the last finished build and what it answered."""

    lake: Lake
    inputs: str

    @property
    def url(self) -> str:
        """Where the record lives: hidden from every reader of silver's entities."""
        return f"{self.lake.root}/silver/{BUILD_RECORD}"

    def stored_summary(self) -> dict[str, Any] | None:
        """The summary of the live build when it read exactly these inputs and every entity it
        published is still there; else None (build again)."""
        record = self.lake.read_json(self.url)
        if not record or record.get("inputs") != self.inputs:
            return None
        summary: dict[str, Any] = record["summary"]
        present = all(self.lake.exists(self.lake.silver_url(entity)) for entity in summary["rows"])
        return summary if present else None

    def forget(self) -> None:
        """Remove the record before a build publishes anything."""
        self.lake.delete(self.url)

    def save(self, summary: dict[str, Any]) -> None:
        """Record a finished build."""
        self.lake.write_json(self.url, {"inputs": self.inputs, "summary": summary})


def inputs_fingerprint(lake: Lake, raw_tables: list[tuple[str, str]], frames: dict[str, DataFrame]) -> str:
    """sha256 of the code, the loads of `raw_tables` and the rows of `frames`: what a group reads."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for dataset, table in raw_tables:
        digest.update(f"{dataset}/{table}:{','.join(lake.raw_load_ids(dataset, table))};".encode())
    for name, frame in sorted(frames.items()):
        digest.update(f"{name}:{rows_fingerprint(frame)};".encode())
    return digest.hexdigest()


@dataclass
class Group:
    """Entities built together from the same inputs (`inputs_fingerprint`), with the quarantine rows
    they reject."""

    lake: Lake
    name: str
    inputs: str
    entities: dict[str, DataFrame]
    rejects: DataFrame
    _unchanged: bool | None = field(default=None, init=False, repr=False)

    @property
    def rejects_entity(self) -> str:
        """The hidden silver folder of the group's quarantine rows."""
        return f"_quarantine-{self.name}"

    def unchanged(self) -> bool:
        """Whether every entity and the rejects part were published from the same inputs (asked
        once, before the group's first publish, so a half-published group is rebuilt next time)."""
        if self._unchanged is None:
            names = [*self.entities, self.rejects_entity]
            self._unchanged = all(
                (self.lake.read_manifest(name) or {}).get("inputs") == self.inputs for name in names
            )
        return self._unchanged

    def publisher(self, entity: str) -> Callable[[], PublishMode]:
        """Publish one of the group's entities, unless the group is unchanged."""

        def publish() -> PublishMode:
            if self.unchanged():
                return PublishMode.UNCHANGED
            self.lake.publish_silver(
                self.entities[entity].coalesce(WHOLE_FILES), entity, manifest=self._manifest
            )
            return PublishMode.FULL

        return publish

    def published_rejects(self) -> DataFrame:
        """The group's quarantine rows as published (published first unless the group is unchanged)."""
        if not self.unchanged():
            self.lake.publish_silver(self.rejects.coalesce(1), self.rejects_entity, manifest=self._manifest)
        return self.lake.read_silver(self.rejects_entity, self.rejects.schema)

    @property
    def _manifest(self) -> dict[str, Any]:
        return {"inputs": self.inputs}
