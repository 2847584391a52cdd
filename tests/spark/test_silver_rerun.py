"""A silver build on a lake where nothing it reads has changed commits nothing; a build that died
half way is finished by the next one, which commits only the tables the dead one did not; another
base month or `--full-refresh` builds again."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from spark.jobs import silver
from spark.jobs.silver import ENTITIES, build_silver, run_silver
from spark.jobs.silver_current import build_inputs, current_summary
from spark.lake import Lake
from tests.spark import raw_frames
from tests.spark.deliveries import silver_tables, write_first_day, write_raw
from tests.spark.raw_frames import L2

pytestmark = pytest.mark.slow


def _snapshots(spark: SparkSession, lake_dir: Path) -> dict[str, int]:
    """Snapshots per silver table: a commit adds one."""
    lake = Lake(spark, str(lake_dir))
    return {
        name: lake.spark.table(f"{lake.table(name)}.snapshots").count()
        for name in silver_tables(lake_dir, spark)
    }


def _files(lake_dir: Path) -> dict[str, int]:
    """Every file under silver/ with its modification time in nanoseconds."""
    silver = lake_dir / "silver"
    return {
        str(path.relative_to(silver)): path.stat().st_mtime_ns for path in silver.rglob("*") if path.is_file()
    }


class CommitFailedError(RuntimeError):
    pass


# The tables computed from raw fred/cpiaucsl (their plans read it): a new CPI load rebuilds only these.
FROM_CPI = {"cpi_monthly", "movie_financials"}


def _no_spark(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a Spark session was started")


def _current(lake_dir: Path) -> dict[str, Any] | None:
    return current_summary(str(lake_dir), build_inputs(str(lake_dir), None), ENTITIES)


@pytest.fixture(scope="module")
def builds(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    lake_dir = tmp_path_factory.mktemp("rerun")
    write_first_day(spark, lake_dir)
    first = build_silver(spark, str(lake_dir))
    after_first = (_snapshots(spark, lake_dir), _files(lake_dir))
    rerun = build_silver(spark, str(lake_dir))
    after_rerun = (_snapshots(spark, lake_dir), _files(lake_dir))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(silver, "spark_session", _no_spark)
        without_spark = run_silver(str(lake_dir))
    after_without_spark = _files(lake_dir)
    write_raw(lake_dir, "fred", "cpiaucsl", raw_frames.cpi(spark, [(date(2017, 8, 1), 245.0, L2)]))
    replace = Lake.replace

    def replace_until_financials(self: Lake, frame: Any, entity: str, *args: Any, **kwargs: Any) -> int:
        if entity == "movie_financials":
            raise CommitFailedError(entity)
        return replace(self, frame, entity, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Lake, "replace", replace_until_financials)
        with pytest.raises(CommitFailedError):
            build_silver(spark, str(lake_dir))
    after_death = _snapshots(spark, lake_dir)
    current_after_death = _current(lake_dir)
    finished = build_silver(spark, str(lake_dir))
    after_finish = _snapshots(spark, lake_dir)
    return {"lake_dir": lake_dir, "first": first, "rerun": rerun, "finished": finished,
            "without_spark": without_spark, "after_without_spark": after_without_spark,
            "current_after_death": current_after_death, "current_after_finish": _current(lake_dir),
            "after_first": after_first, "after_rerun": after_rerun,
            "after_death": after_death, "after_finish": after_finish}  # fmt: skip


def test_a_rerun_with_nothing_new_commits_nothing(builds: dict[str, Any]) -> None:
    first, rerun = builds["first"], builds["rerun"]
    assert set(first.published.values()) == {"full"}
    assert set(rerun.published) == set(first.rows) and set(rerun.published.values()) == {"unchanged"}
    assert rerun.rows == first.rows and rerun.rows["ratings"] == 3 and rerun.rows["cpi_monthly"] == 13
    assert rerun.quarantined_by_reason == first.quarantined_by_reason
    assert rerun.base_month == first.base_month == "2017-07-01"
    assert set(builds["after_first"][0].values()) == {1}
    assert builds["after_rerun"] == builds["after_first"]  # no snapshot, not one file written again


def test_a_rerun_with_nothing_new_answers_from_the_catalog_without_spark(builds: dict[str, Any]) -> None:
    first, answered = builds["first"], builds["without_spark"]
    assert tuple(first.published) == ENTITIES
    assert answered.published == dict.fromkeys(ENTITIES, "unchanged")
    assert answered.rows == first.rows
    assert answered.base_month == first.base_month
    assert answered.quarantined_by_reason == first.quarantined_by_reason and answered.quarantined_by_reason
    assert answered.crosswalk_conflicts == first.crosswalk_conflicts
    assert answered.unmatched == first.unmatched and answered.unmatched
    assert builds["after_without_spark"] == builds["after_rerun"][1]


def test_a_build_that_died_half_way_is_not_current_until_finished(builds: dict[str, Any]) -> None:
    assert builds["current_after_death"] is None  # so the next run starts Spark and finishes it
    finished = builds["current_after_finish"]
    assert finished is not None and finished["rows"] == builds["finished"].rows
    assert finished["base_month"] == "2017-08-01"


def test_a_build_that_died_half_way_is_finished_by_the_next(builds: dict[str, Any]) -> None:
    first, died, finished = builds["after_first"][0], builds["after_death"], builds["after_finish"]
    # The new CPI load is read by these tables only; it died at movie_financials.
    assert {entity for entity, snapshots in died.items() if snapshots == 2} == {"cpi_monthly"}
    assert set(died.values()) == {1, 2}
    after = builds["finished"].published
    assert {entity for entity, mode in after.items() if mode != "unchanged"} == FROM_CPI - {"cpi_monthly"}
    assert {entity for entity, snapshots in finished.items() if snapshots == 2} == FROM_CPI
    assert set(finished.values()) == {1, 2} and first == died | {"cpi_monthly": 1}
    assert builds["finished"].rows["cpi_monthly"] == 14  # the new month was read
    assert builds["finished"].base_month == "2017-08-01"


def test_another_base_month_or_a_full_refresh_builds_again(
    builds: dict[str, Any], spark: SparkSession, tmp_path: Path
) -> None:
    lake_dir = tmp_path / "lake"
    shutil.copytree(builds["lake_dir"], lake_dir)
    rebased = build_silver(spark, str(lake_dir), date(1995, 6, 1))
    assert rebased.published["movie_financials"] == "full" and rebased.base_month == "1995-06-01"
    assert rebased.published["ratings"] == "unchanged"
    refreshed = build_silver(spark, str(lake_dir), date(1995, 6, 1), full_refresh=True)
    assert set(refreshed.published.values()) == {"full"}
    assert refreshed.rows == rebased.rows
