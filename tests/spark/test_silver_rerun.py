"""A silver build on a lake where nothing it reads has changed publishes nothing and answers with the
recorded summary; anything it reads that changed (a raw file, the code, the base month, a missing
entity) builds again, and a build that dies half way is never taken for a finished one."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from spark.jobs import incremental
from spark.jobs.incremental import BUILD_RECORD, BuildRecord, build_fingerprint
from spark.jobs.silver import build_silver
from spark.lake import Lake
from tests.spark import raw_frames
from tests.spark.raw_frames import L2
from tests.spark.test_silver_day import _first_day, _write

pytestmark = pytest.mark.slow


def _files(lake_dir: Path) -> dict[str, int]:
    """Every file under silver/ with its modification time in nanoseconds."""
    silver = lake_dir / "silver"
    return {
        str(path.relative_to(silver)): path.stat().st_mtime_ns for path in silver.rglob("*") if path.is_file()
    }


def _new_cpi_month(spark: SparkSession, lake_dir: Path) -> None:
    _write(lake_dir, "fred", "cpiaucsl", raw_frames.cpi(spark, [(date(2017, 8, 1), 245.0, L2)]))


class PublishFailedError(RuntimeError):
    pass


@pytest.fixture(scope="module")
def builds(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    lake_dir = tmp_path_factory.mktemp("rerun")
    _first_day(spark, lake_dir)
    first = build_silver(spark, str(lake_dir))
    files_after_first = _files(lake_dir)
    rerun = build_silver(spark, str(lake_dir))
    files_after_rerun = _files(lake_dir)
    _new_cpi_month(spark, lake_dir)
    publish = Lake.publish_silver

    def publish_until_movie_ids(self: Lake, df: Any, entity: str, *args: Any, **kwargs: Any) -> int:
        if entity == "movie_ids":
            raise PublishFailedError(entity)
        return publish(self, df, entity, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Lake, "publish_silver", publish_until_movie_ids)
        with pytest.raises(PublishFailedError):
            build_silver(spark, str(lake_dir))
    record_after_death = (lake_dir / "silver" / BUILD_RECORD).exists()
    after_new_file = build_silver(spark, str(lake_dir))
    return {"lake_dir": lake_dir, "first": first, "rerun": rerun, "after_new_file": after_new_file,
            "files_after_first": files_after_first, "files_after_rerun": files_after_rerun,
            "record_after_death": record_after_death}  # fmt: skip


def test_a_rerun_with_nothing_new_publishes_nothing(builds: dict[str, Any]) -> None:
    first, rerun = builds["first"], builds["rerun"]
    assert set(first.published.values()) == {"full"}
    assert set(rerun.published) == set(first.rows) and set(rerun.published.values()) == {"unchanged"}
    assert rerun.rows == first.rows and rerun.rows["ratings"] == 3 and rerun.rows["cpi_monthly"] == 13
    assert rerun.quarantined_by_reason == first.quarantined_by_reason
    assert rerun.base_month == first.base_month == "2017-07-01"
    assert builds["files_after_rerun"] == builds["files_after_first"]  # not one file written again


def test_a_build_that_dies_half_way_leaves_no_record_and_the_next_builds_again(
    builds: dict[str, Any],
) -> None:
    assert builds["record_after_death"] is False
    after = builds["after_new_file"]
    assert after.published["cpi_monthly"] == "full" and after.published["movies"] == "full"
    assert after.rows["cpi_monthly"] == 14  # the new month was read
    assert after.base_month == "2017-08-01"
    assert (builds["lake_dir"] / "silver" / BUILD_RECORD).exists()


def test_the_record_answers_only_for_the_inputs_it_was_built_from(
    builds: dict[str, Any], spark: SparkSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lake_dir = tmp_path / "lake"
    shutil.copytree(builds["lake_dir"], lake_dir)
    lake = Lake(spark, str(lake_dir))
    inputs = build_fingerprint(lake, None)
    assert BuildRecord(lake, inputs).stored_summary() == asdict(builds["after_new_file"])
    assert build_fingerprint(lake, "2017-01-01") != inputs  # another base month
    with monkeypatch.context() as patch:
        patch.setattr(incremental, "code_fingerprint", lambda: "other code")
        assert build_fingerprint(lake, None) != inputs
    assert build_fingerprint(lake, None) == inputs
    _write(lake_dir, "kaggle", "links", raw_frames.links(spark, [("9", "0000009", "9", "1700172800.0")]))
    assert build_fingerprint(lake, None) != inputs  # a new raw file, of any table
    assert BuildRecord(lake, build_fingerprint(lake, None)).stored_summary() is None


def test_an_entity_gone_from_silver_is_built_again(spark: SparkSession, tmp_path: Path) -> None:
    (tmp_path / "silver" / "movies").mkdir(parents=True)
    record = BuildRecord(Lake(spark, str(tmp_path)), "inputs")
    record.save({"rows": {"movies": 2, "movie_genres": 1}})
    assert record.stored_summary() is None
    record.save({"rows": {"movies": 2}})
    assert record.stored_summary() == {"rows": {"movies": 2}}
    record.forget()
    assert record.stored_summary() is None
