"""Read raw/ tables and publish silver/ entities through Hadoop's FileSystem API.

The same calls serve a local lake and an s3a:// bucket. A silver entity is written beside the live
one (`silver/_staging/<entity>-<token>`) and swapped in by two renames (live -> `...-retired`, staged
-> live), so a job that dies mid-write leaves the previous output readable. A job killed between the
two renames leaves the entity only as its retired copy: the next job puts it back first
(`recover_interrupted_publishes`) and clears the leftovers. One silver job per lake at a time (the
flow's run lock).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import StructType

STAGING_DIR = "_staging"
RETIRED_SUFFIX = "-retired"


def spark_lake_url(lake_url: str) -> str:
    """Absolute file:// URL for a local lake; s3:// becomes Hadoop's s3a://."""
    if lake_url.startswith("s3://"):
        return "s3a://" + lake_url.removeprefix("s3://").rstrip("/")
    if "://" in lake_url:
        return lake_url.rstrip("/")
    return Path(lake_url).resolve().as_uri()


class Lake:
    """raw/ and silver/ under one root, addressed through the session's Hadoop configuration."""

    def __init__(self, spark: SparkSession, lake_url: str) -> None:
        self.spark = spark
        self.root = spark_lake_url(lake_url)
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        self._hadoop_path = jvm.org.apache.hadoop.fs.Path
        self._fs = self._hadoop_path(self.root).getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())

    def exists(self, url: str) -> bool:
        """True when the path exists in the lake's filesystem."""
        return bool(self._fs.exists(self._hadoop_path(url)))

    def read_raw(self, dataset: str, table: str, empty_schema: StructType | None = None) -> DataFrame:
        """All loads of one raw table; an absent table is an error unless an empty schema is given."""
        url = f"{self.root}/raw/{dataset}/{table}"
        if not self.exists(url):
            if empty_schema is None:
                raise FileNotFoundError(f"raw table {dataset}.{table} not found at {url}")
            return self.spark.createDataFrame([], empty_schema)
        return self.spark.read.option("mergeSchema", "true").parquet(url)

    def silver_url(self, entity: str) -> str:
        """Where a silver entity lives."""
        return f"{self.root}/silver/{entity}"

    def read_silver(self, entity: str) -> DataFrame:
        """A published silver entity."""
        return self.spark.read.parquet(self.silver_url(entity))

    def recover_interrupted_publishes(self) -> list[str]:
        """Put back each entity a killed job left only as its retired copy; drop staged leftovers.

        Returns the entities put back. Safe when nothing was interrupted (nothing to do).
        """
        staging = self._hadoop_path(f"{self.root}/silver/{STAGING_DIR}")
        if not self._fs.exists(staging):
            return []
        restored = []
        for status in self._fs.listStatus(staging):
            path, name = status.getPath(), status.getPath().getName()
            entity = name.rsplit("-", 2)[0] if name.endswith(RETIRED_SUFFIX) else None
            live = self._hadoop_path(self.silver_url(entity)) if entity else None
            if live is not None and not self._fs.exists(live) and self._fs.rename(path, live):
                restored.append(entity)
            else:
                self._fs.delete(path, True)
        return sorted(restored)

    def publish_silver(self, df: DataFrame, entity: str, partition_by: tuple[str, ...] = ()) -> None:
        """Write `df` next to the live entity, then swap it in; the old copy is removed last."""
        token = uuid.uuid4().hex
        staged = f"{self.root}/silver/{STAGING_DIR}/{entity}-{token}"
        writer = df.write.mode("overwrite")
        if partition_by:
            writer = writer.partitionBy(*partition_by)
        writer.parquet(staged)
        live = self._hadoop_path(self.silver_url(entity))
        retired = self._hadoop_path(f"{self.root}/silver/{STAGING_DIR}/{entity}-{token}{RETIRED_SUFFIX}")
        had_live = self._fs.exists(live)
        if had_live and not self._fs.rename(live, retired):
            raise OSError(f"could not retire {live} before publishing {entity}")
        if not self._fs.rename(self._hadoop_path(staged), live):
            raise OSError(f"could not publish {staged} as {live}")
        if had_live:
            self._fs.delete(retired, True)
