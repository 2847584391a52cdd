"""Kaggle money and dates that cannot be true: the movie is kept, the value is unknown, and the
rejected value is in quarantine with its reason (nothing dropped silently)."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import Row, SparkSession

from spark.transforms.movies import movie_quarantine, silver_movies, typed_movies
from tests.spark import raw_frames

pytestmark = pytest.mark.slow

# Every row is delivered by load L1 (2023-11-14).
RAW_ROWS: list[dict[str, str | None]] = [
    {"id": "1", "title": "Negative budget", "status": "Released", "release_date": "1999-03-31",
     "budget": "-5000000", "revenue": "12000000"},
    {"id": "2", "title": "Negative revenue", "status": "Released", "release_date": "2001-06-01",
     "budget": "1000000", "revenue": "-1"},
    {"id": "3", "title": "Released in 2031", "status": "Released", "release_date": "2031-05-01"},
    {"id": "4", "title": "No status, dated 2030", "release_date": "2030-01-01"},
    {"id": "5", "title": "Announced for 2031", "status": "Post Production", "release_date": "2031-05-01"},
    {"id": "6", "title": "Released on its delivery day", "status": "Released", "release_date": "2023-11-14"},
]  # fmt: skip


@pytest.fixture(scope="module")
def outcome(spark: SparkSession) -> tuple[dict[int, Row], list[Row]]:
    typed = typed_movies(raw_frames.movies_metadata(spark, RAW_ROWS)).cache()
    movies = {row["movie_id"]: row for row in silver_movies(typed).collect()}
    return movies, movie_quarantine(typed).collect()


def test_every_movie_is_kept(outcome: tuple[dict[int, Row], list[Row]]) -> None:
    movies, _ = outcome
    assert sorted(movies) == [1, 2, 3, 4, 5, 6]


def test_negative_money_is_unknown_and_quarantined_with_its_value(
    outcome: tuple[dict[int, Row], list[Row]],
) -> None:
    movies, quarantine = outcome
    assert (movies[1]["budget_nominal"], movies[1]["revenue_nominal"]) == (None, 12000000.0)
    assert (movies[2]["budget_nominal"], movies[2]["revenue_nominal"]) == (1000000.0, None)
    money = sorted(
        (row["record_key"], row["raw_value"], row["reason"])
        for row in quarantine
        if row["entity"] == "movie_financials"
    )
    assert money == [
        ("1", "-5000000", "budget: negative amount (kept as unknown)"),
        ("2", "-1", "revenue: negative amount (kept as unknown)"),
    ]


def test_a_released_film_dated_after_its_delivery_has_an_unknown_date(
    outcome: tuple[dict[int, Row], list[Row]],
) -> None:
    movies, quarantine = outcome
    assert (movies[3]["release_date"], movies[3]["release_year"]) == (None, None)
    assert movies[4]["release_date"] is None
    # An announced film keeps its future date; a film released on its delivery day is fine.
    assert movies[5]["release_date"] == date(2031, 5, 1)
    assert movies[6]["release_date"] == date(2023, 11, 14)
    dates = sorted(
        (row["record_key"], row["raw_value"], row["reason"])
        for row in quarantine
        if row["entity"] == "movies"
    )
    assert dates == [
        ("3", "2031-05-01", "release_date after the delivery was loaded, status Released (kept as unknown)"),
        ("4", "2030-01-01", "release_date after the delivery was loaded, status <null> (kept as unknown)"),
    ]
