"""FRED CPI -> silver cpi_monthly; movie money in base-month dollars."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import DataFrame, Row, SparkSession

from spark.transforms.inflation import base_month, movie_financials, silver_cpi_monthly
from tests.spark import raw_frames
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

RAW_CPI = [
    (date(1995, 10, 1), 153.6, L1),
    (date(1995, 12, 1), 153.9, L1),
    (date(2017, 6, 1), 0.0, L1),  # impossible: dropped
    (date(2017, 5, 1), -1.0, L1),  # impossible: dropped
    (date(2017, 4, 1), None, L1),  # missing: dropped
    (date(2017, 7, 1), 244.0, L1),
    (date(2017, 7, 1), 244.5, L2),  # revised by a later load
    (date(2017, 8, 1), 245.0, L1),
]


@pytest.fixture(scope="module")
def cpi(spark: SparkSession) -> DataFrame:
    return silver_cpi_monthly(raw_frames.cpi(spark, RAW_CPI)).cache()


@pytest.fixture(scope="module")
def cpi_rows(cpi: DataFrame) -> dict[date, float]:
    rows = cpi.collect()
    months = {row["month"]: row["cpi"] for row in rows}
    assert len(months) == len(rows), "cpi_monthly must have one row per month"
    return months


@pytest.fixture(scope="module")
def financials(spark: SparkSession, cpi: DataFrame) -> dict[int, Row]:
    movies = spark.createDataFrame(
        [
            (862, date(1995, 10, 30), 30000000.0, 373554033.0),
            (949, date(1995, 12, 15), None, 187436818.0),
            (770, date(1939, 12, 15), 4000000.0, 400176459.0),  # before the CPI series
            (15602, date(1995, 12, 22), None, None),  # no money: excluded
            (11860, None, 58000000.0, None),  # no release date
            (1, date(1995, 11, 10), 1000000.0, None),  # a gap month: FRED has no November 1995
            (8844, date(2017, 5, 20), 65000000.0, 262797249.0),  # a month whose value was impossible
        ],
        "movie_id bigint, release_date date, budget_nominal double, revenue_nominal double",
    ).selectExpr("*", "timestamp'2023-11-14 22:13:20' as _loaded_at")
    rows = movie_financials(movies, cpi, date(2017, 8, 1)).collect()
    return {row["movie_id"]: row for row in rows}


def test_cpi_one_row_per_month_without_impossible_values(cpi_rows: dict[date, float]) -> None:
    assert cpi_rows == {
        date(1995, 10, 1): 153.6,
        date(1995, 12, 1): 153.9,
        date(2017, 7, 1): 244.5,  # the later load's revision
        date(2017, 8, 1): 245.0,
    }


def test_cpi_months_are_first_days(spark: SparkSession) -> None:
    raw = raw_frames.cpi(spark, [(date(2020, 2, 15), 258.7, L1)])

    row = silver_cpi_monthly(raw).first()

    assert row is not None
    assert row["month"] == date(2020, 2, 1)


def test_base_month_defaults_to_latest(cpi: DataFrame) -> None:
    assert base_month(cpi) == date(2017, 8, 1)


def test_base_month_honours_a_requested_month(cpi: DataFrame) -> None:
    assert base_month(cpi, date(1995, 12, 20)) == date(1995, 12, 1)


def test_base_month_outside_the_series_is_an_error(cpi: DataFrame) -> None:
    with pytest.raises(ValueError, match="1995-11 is not in the CPI series"):
        base_month(cpi, date(1995, 11, 1))


def test_adjusted_is_nominal_times_base_over_release_cpi(financials: dict[int, Row]) -> None:
    toy_story = financials[862]

    assert toy_story["release_month"] == date(1995, 10, 1)
    assert toy_story["cpi_release"] == 153.6
    assert toy_story["cpi_base"] == 245.0
    assert toy_story["base_month"] == date(2017, 8, 1)
    assert toy_story["inflation_factor"] == pytest.approx(245.0 / 153.6)
    assert toy_story["budget_adjusted"] == pytest.approx(47_851_562.5)
    assert toy_story["revenue_adjusted"] == pytest.approx(373554033.0 * 245.0 / 153.6)


def test_unknown_budget_stays_unknown_after_adjustment(financials: dict[int, Row]) -> None:
    heat = financials[949]

    assert heat["budget_nominal"] is None
    assert heat["budget_adjusted"] is None
    assert heat["revenue_adjusted"] == pytest.approx(187436818.0 * 245.0 / 153.9)


@pytest.mark.parametrize("movie_id", [770, 11860, 1, 8844])
def test_release_without_cpi_keeps_nominal_and_nulls_adjusted(
    financials: dict[int, Row], movie_id: int
) -> None:
    row = financials[movie_id]

    assert row["budget_nominal"] is not None
    assert row["cpi_release"] is None
    assert row["inflation_factor"] is None
    assert row["budget_adjusted"] is None
    assert row["revenue_adjusted"] is None
    assert row["cpi_base"] == 245.0


def test_movies_without_money_are_excluded(financials: dict[int, Row]) -> None:
    assert sorted(financials) == [1, 770, 862, 949, 8844, 11860]
