"""raw/ read through Hadoop's FileSystem API, silver written as Iceberg tables (spark.lake's two halves).

The same calls serve a local lake and an s3a:// bucket. Raw is dlt's append-only parquet: a file's
name starts with its load id, so what a table holds is a listing away (`raw_watermarks`).

Silver entities are tables `movies.silver.<entity>` in the lake's Iceberg catalog
(lakehouse.catalog). Every write is one Iceberg commit: a table is replaced whole (`replace`) or
changed in place (`merge`, merge-on-read: a re-rated pair's row is deleted by a delete file and its
new row added, no rewrite of the rest). A job that dies before its commit leaves the table at its
previous snapshot; the files it wrote are orphans that the maintenance step removes. Each commit
carries the job's own summary properties (`movies.*`, e.g. the raw loads it consumed), so what
silver was built from is read from the table, not from side files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import reduce
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from lakehouse.catalog import CATALOG_NAME, NAMESPACE, IcebergCatalog, catalog_for, lake_root_url
from lakehouse.raw import RawListing, Watermark
from lakehouse.s3 import s3a

# Properties every silver table is created with: format v2 with row-level deletes written as delete
# files (merge-on-read), and old metadata files dropped after a commit (snapshots expire in maintenance).
TABLE_PROPERTIES = {
    "format-version": "2",
    "write.delete.mode": "merge-on-read",
    "write.update.mode": "merge-on-read",
    "write.merge.mode": "merge-on-read",
    "write.metadata.delete-after-commit.enabled": "true",
    "write.metadata.previous-versions-max": "20",
}
SNAPSHOT_PROPERTY = "spark.sql.iceberg.snapshot-property."  # session settings Iceberg copies into a commit
PROPERTY_PREFIX = "movies."  # our own keys in a snapshot's summary and in table properties
# Spark's error classes for parquet files whose column types cannot be merged.
MERGE_CONFLICTS = ("CANNOT_MERGE_SCHEMAS", "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE")


def _raw_table_of(path: str) -> str | None:
    """`<dataset>/<table>` of a raw table's folder or one of its files (None: not under raw/)."""
    if "/raw/" not in path:
        return None
    parts = path.rsplit("/raw/", 1)[1].split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 else None


def _engine_url(url: str) -> str:
    """A raw file's URL as Spark reads it: s3a:// (Hadoop's S3 client) for s3://."""
    return s3a(url)


def _as_text(frame: DataFrame, names: set[str]) -> DataFrame:
    """`frame` with the named columns cast to text (the others as they are)."""
    return frame.select(*[F.col(name).cast("string").alias(name) if name in names else F.col(name)
                          for name in frame.columns])  # fmt: skip


def use_catalog(spark: SparkSession, catalog: IcebergCatalog) -> None:
    """Point the session's `movies` catalog at `catalog` (catalog settings are runtime SQL settings;
    Spark keeps a catalog it has loaded, so a switch to another lake's catalog makes it load anew)."""
    settings = catalog.spark_settings()
    if any(spark.conf.get(key, None) != value for key, value in settings.items()):
        for key, value in settings.items():
            spark.conf.set(key, value)
        spark._jsparkSession.sessionState().catalogManager().reset()


class Lake:
    """raw/ and silver/ under one root: raw through Hadoop's FileSystem, silver through Iceberg."""

    def __init__(self, spark: SparkSession, lake_url: str, catalog: IcebergCatalog | None = None) -> None:
        self.spark = spark
        self.root = lake_root_url(lake_url)
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        self._hadoop_path = jvm.org.apache.hadoop.fs.Path
        self._fs = self._hadoop_path(self.root).getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        if self.root.startswith("file:"):
            Path(lake_url).mkdir(parents=True, exist_ok=True)  # the SQLite catalog's folder
        self.raw = RawListing(lake_url)
        self.catalog = catalog or catalog_for(lake_url)
        use_catalog(spark, self.catalog)
        spark.sql(f"create namespace if not exists {CATALOG_NAME}.{NAMESPACE}")

    def exists(self, url: str) -> bool:
        """True when the path exists in the lake's filesystem."""
        return bool(self._fs.exists(self._hadoop_path(url)))

    def read_raw(self, dataset: str, table: str, empty_schema: StructType | None = None) -> DataFrame:
        """All loads of one raw table; an absent table is an error unless an empty schema is given."""
        url = f"{self.root}/raw/{dataset}/{table}"
        if not self.exists(url):
            if empty_schema is None:
                raise FileNotFoundError(f"raw table {dataset}.{table} not found at {url}")
            return self.empty(empty_schema)
        return self._read_parquet(
            [url], lambda: [_engine_url(file.url) for file in self.raw.files(dataset, table)]
        )

    def raw_load_ids(self, dataset: str, table: str) -> list[str]:
        """The loads a raw table holds files of, oldest first (load ids are unix times)."""
        return self.raw.load_ids(dataset, table)

    def read_raw_loads(self, dataset: str, table: str, load_ids: set[str]) -> DataFrame:
        """Only the files of the given loads of one raw table (at least one must exist)."""
        paths = [_engine_url(file.url) for file in self.raw.files(dataset, table) if file.load_id in load_ids]
        if not paths:
            raise FileNotFoundError(f"raw table {dataset}.{table} has no files of loads {sorted(load_ids)}")
        return self._read_parquet(paths, lambda: paths)

    def _read_parquet(self, paths: list[str], files: Callable[[], list[str]]) -> DataFrame:
        """Raw parquet at `paths` (a table's folder or files: `files` lists them) as one frame, its
        files' columns merged by name.

        A column whose type differs between files cannot be merged: the API sources landed numbers
        typed before every API column became text (extract/rest/tables.py), so a lake loaded on both
        sides of that change holds both. Such a column is then read as text from every file.
        """
        try:
            return self.spark.read.option("mergeSchema", "true").parquet(*paths)
        except Exception as error:  # py4j's wrapper of Spark's job failure: told apart by its error class
            if not any(condition in str(error) for condition in MERGE_CONFLICTS):
                raise
        by_schema: dict[str, list[str]] = {}
        for file in files():  # a footer read per file: paid only by a lake with such a column
            by_schema.setdefault(self.spark.read.parquet(file).schema.json(), []).append(file)
        frames = [self.spark.read.parquet(*group) for group in by_schema.values()]
        types: dict[str, set[str]] = {}
        for frame in frames:
            for column in frame.schema.fields:
                types.setdefault(column.name, set()).add(column.dataType.simpleString())
        mixed = {name for name, found in types.items() if len(found) > 1}
        as_text = [_as_text(frame, mixed) for frame in frames]
        return reduce(lambda left, right: left.unionByName(right, allowMissingColumns=True), as_text)

    def raw_watermarks(self) -> dict[str, Watermark]:
        """Every raw table's watermark (lakehouse.raw.RawListing.watermarks)."""
        return self.raw.watermarks()

    def raw_tables_read(self, frame: DataFrame) -> set[str] | None:
        """The raw tables (`<dataset>/<table>`) `frame` is computed from, from the leaves of its
        analysed plan (cached frames included: the cache replaces them only later, when the plan is
        optimised). None when a leaf is neither a raw table nor an empty frame (then the frame's
        inputs are not known, and a caller takes it to read everything)."""
        leaves = frame._jdf.queryExecution().analyzed().collectLeaves()
        tables = set()
        for index in range(leaves.length()):
            leaf = leaves.apply(index)
            kind = leaf.getClass().getSimpleName()
            if kind in ("LogicalRDD", "LocalRelation"):  # an empty frame stands for an absent table
                continue
            if kind != "LogicalRelation":
                return None
            roots = leaf.relation().location().rootPaths()
            for root in (roots.apply(k).toString() for k in range(roots.length())):
                table = _raw_table_of(root)
                if table is None:
                    return None
                tables.add(table)
        return tables

    def empty(self, schema: StructType) -> DataFrame:
        """A frame of no rows and no partitions with `schema`, made without Python workers.

        `createDataFrame([], schema)` parallelises the empty list: every job that reads the frame
        runs one Python task per default partition, and the session's first such job waits for
        Python workers to start (2.8 s against 0.8 s for this frame on the 2-core box).
        """
        return self.spark.createDataFrame(self.spark.sparkContext.emptyRDD(), schema)

    # ------------------------------------------------------------------ silver: Iceberg tables

    def table(self, entity: str) -> str:
        """The Iceberg table of a silver entity, as Spark names it."""
        return self.catalog.table(entity)

    def has_table(self, entity: str) -> bool:
        """Whether the catalog holds the entity's table."""
        return bool(self.spark.catalog.tableExists(self.table(entity)))

    def read_silver(self, entity: str) -> DataFrame:
        """The entity's rows at its current snapshot."""
        return self.spark.table(self.table(entity))

    def _iceberg_table(self, entity: str) -> Any:
        """The entity's table through Iceberg's Java API (metadata only: no Spark job)."""
        jvm = self.spark.sparkContext._jvm
        assert jvm is not None
        return jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(
            self.spark._jsparkSession, self.table(entity)
        )

    def snapshot_summary(self, entity: str) -> dict[str, str] | None:
        """The summary of the entity's current snapshot (None: no table, or no snapshot yet)."""
        if not self.has_table(entity):
            return None
        snapshot = self._iceberg_table(entity).currentSnapshot()
        return None if snapshot is None else dict(snapshot.summary())

    def snapshot_id(self, entity: str) -> int | None:
        """The id of the entity's current snapshot (None: no table, or no snapshot yet)."""
        if not self.has_table(entity):
            return None
        snapshot = self._iceberg_table(entity).currentSnapshot()
        return None if snapshot is None else int(snapshot.snapshotId())

    def table_property(self, entity: str, key: str) -> Any:
        """One of our table properties (JSON) of the entity, or None: facts about a table that no
        commit of its rows carries (e.g. what ratings were last resolved against)."""
        if not self.has_table(entity):
            return None
        value = dict(self._iceberg_table(entity).properties()).get(PROPERTY_PREFIX + key)
        return None if value is None else json.loads(value)

    def set_table_property(self, entity: str, key: str, value: Any) -> None:
        """Set one of our table properties (JSON): a metadata commit, no new snapshot. Through
        Iceberg's API rather than `ALTER TABLE`, whose string literals would unescape the JSON."""
        text = json.dumps(value, sort_keys=True)
        self._iceberg_table(entity).updateProperties().set(PROPERTY_PREFIX + key, text).commit()

    def recorded(self, entity: str, key: str) -> Any:
        """One of our properties (JSON) on the entity's current snapshot, or None."""
        value = (self.snapshot_summary(entity) or {}).get(PROPERTY_PREFIX + key)
        return None if value is None else json.loads(value)

    @contextmanager
    def committing(self, properties: Mapping[str, Any]) -> Iterator[None]:
        """Every Iceberg commit inside carries `properties` (as JSON) in its snapshot summary."""
        keys = [SNAPSHOT_PROPERTY + PROPERTY_PREFIX + key for key in properties]
        for key, value in zip(keys, properties.values(), strict=True):
            self.spark.conf.set(key, json.dumps(value, sort_keys=True))
        try:
            yield
        finally:
            for key in keys:
                self.spark.conf.unset(key)

    def replace(
        self, frame: DataFrame, entity: str, properties: Mapping[str, Any], recreate: bool = False
    ) -> int:
        """Replace the entity's rows with `frame` in one commit; returns its rows. An existing table is
        overwritten (the snapshot's parent is the previous one, so history stays one lineage that
        snapshot expiry keeps the newest of); a new table, or `recreate`, (re)creates it with
        `frame`'s schema (a full refresh after a change of columns)."""
        writer = frame.writeTo(self.table(entity)).using("iceberg")
        for key, value in TABLE_PROPERTIES.items():
            writer = writer.tableProperty(key, value)
        with self.committing(properties):
            if recreate or not self.has_table(entity):
                writer.createOrReplace()
            else:
                writer.overwrite(F.lit(True))
        return self.silver_rows(entity)

    def merge(
        self, frame: DataFrame, entity: str, keys: list[str], newer: str, properties: Mapping[str, Any]
    ) -> int:
        """Upsert `frame` into the entity in one commit: a row whose key is new is inserted, one whose
        key exists replaces it when its `newer` column is later. Returns the entity's rows after."""
        on = " and ".join(f"t.`{key}` = s.`{key}`" for key in keys)
        self._merge(
            frame,
            entity,
            f"on {on} when matched and s.`{newer}` > t.`{newer}` then update set * "
            "when not matched then insert *",
            properties,
        )
        return self.silver_rows(entity)

    def merge_scope(self, frame: DataFrame, entity: str, scope: str, properties: Mapping[str, Any]) -> int:
        """Replace the entity's rows matching `scope` (SQL over the table as `t`) with `frame`'s rows in
        one commit (merge-on-read: the replaced rows are deleted by delete files, nothing else is
        rewritten). Returns the entity's rows after. A merge that changes nothing still records
        `properties`, by a commit of no files."""
        before = self.snapshot_id(entity)
        # The join on movie_id with a condition no row meets keeps the planner on a hash join (a
        # literal `false` plans a nested loop): every source row is inserted.
        self._merge(
            frame,
            entity,
            "on t.movie_id = s.movie_id and s.movie_id is null when not matched then insert * "
            f"when not matched by source and {scope} then delete",
            properties,
        )
        if self.snapshot_id(entity) == before:
            self.record(entity, properties)
        return self.silver_rows(entity)

    def _merge(self, frame: DataFrame, entity: str, clauses: str, properties: Mapping[str, Any]) -> None:
        """`merge into <entity> as t using <frame> as s <clauses>`, its commit carrying `properties`."""
        view = f"merge_source_{entity}"
        frame.createOrReplaceTempView(view)
        try:
            with self.committing(properties):
                self.spark.sql(f"merge into {self.table(entity)} as t using {view} as s {clauses}")
        finally:
            self.spark.catalog.dropTempView(view)

    def record(self, entity: str, properties: Mapping[str, Any]) -> None:
        """Commit `properties` to the entity's snapshot summary with no change to its rows."""
        append = self._iceberg_table(entity).newAppend()
        for key, value in properties.items():
            append = append.set(PROPERTY_PREFIX + key, json.dumps(value, sort_keys=True))
        append.commit()

    def silver_rows(self, entity: str) -> int:
        """Rows of the entity at its current snapshot, from the snapshot's summary (no scan): its
        records less the rows its position deletes remove (silver writes no equality deletes)."""
        summary = self.snapshot_summary(entity) or {}
        return int(summary.get("total-records", 0)) - int(summary.get("total-position-deletes", 0))
