"""Silver maintenance: old snapshots expire (the newest few stay), orphan files of a job that died
before its commit are removed once older than the retention, and the current rows stay as they are."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from spark.jobs.maintenance import RETAIN_LAST, due_tables, maintain_silver
from spark.lake import Lake

pytestmark = pytest.mark.slow


def test_old_snapshots_expire_and_orphans_go_only_past_the_retention(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = Lake(spark, str(tmp_path))
    for version in range(RETAIN_LAST + 3):
        lake.replace(spark.createDataFrame([(version,)], "movie_id bigint"), "movies", {})
    data = tmp_path / "silver" / "movies" / "data"
    orphan = data / "orphan-of-a-killed-job.parquet"
    shutil.copy(next(data.glob("*.parquet")), orphan)

    lake.replace(spark.createDataFrame([(0,)], "movie_id bigint"), "collections", {})
    assert due_tables(str(tmp_path)) == []  # nothing older than the retention yet
    today = maintain_silver(spark, str(tmp_path), ["movies"])
    assert today["movies"] == {"snapshots": RETAIN_LAST + 3, "expired_files": 0, "orphans_removed": 0}
    assert orphan.exists()  # younger than the retention: could be a running job's

    ten_days_ago = (datetime.now(UTC) - timedelta(days=10)).timestamp()
    os.utime(orphan, (ten_days_ago, ten_days_ago))
    in_eight_days = datetime.now(UTC) + timedelta(days=8)
    assert due_tables(str(tmp_path), now=in_eight_days) == ["movies"]  # collections: one snapshot
    later = maintain_silver(spark, str(tmp_path), ["movies"], now=in_eight_days)
    assert later["movies"]["snapshots"] == RETAIN_LAST
    assert later["movies"]["expired_files"] > 0  # the expired snapshots' data files and manifests
    assert later["movies"]["orphans_removed"] == 1
    assert not orphan.exists()
    assert [row["movie_id"] for row in lake.read_silver("movies").collect()] == [RETAIN_LAST + 2]
    assert len(list(data.glob("*.parquet"))) == RETAIN_LAST  # one data file per retained snapshot
