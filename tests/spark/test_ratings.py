"""MovieLens links and ratings -> silver movie_links and ratings resolved through links."""

from __future__ import annotations

import pytest
from pyspark.sql import DataFrame, Row, SparkSession

from spark.transforms.ratings import silver_movie_links, silver_ratings
from tests.spark import raw_frames
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

# MovieLens 1 is Toy Story (TMDB 862); MovieLens 2 is Jumanji (TMDB 8844), which we do not hold.
# TMDB 2 *is* a movie we hold, so a rating that used its MovieLens id as movie_id would resolve.
KNOWN_TMDB_IDS = (862, 949, 2)

RAW_LINKS = [
    ("1", "0114709", "862", L1),
    ("2", "113497", "8844", L1),
    ("3", "0114885", "", L1),  # no TMDB id
    ("x", "0114885", "31357", L1),  # not a MovieLens id
    ("6", "0113277", "949", L1),
    ("6", "0113277", "949", L2),  # the same link again in a later load
]

RAW_RATINGS = [
    (1, 1, 4.0, 1260759144, L1),
    (1, 1, 3.0, 1260759100, L2),  # later load, earlier timestamp: still the one kept
    (1, 2, 7.0, 1260759179, L1),  # out of range
    (2, 2, 2.5, 1260759182, L1),  # Jumanji: linked to a TMDB id we do not hold
    (2, 6, 4.5, 1260759185, L1),
    (2, 6, 1.0, 1260759200, L1),  # same load: the later rating wins
    (3, 3, 0.5, 1260759300, L1),  # MovieLens 3 has no TMDB id
    (3, 99, 5.0, 1260759301, L1),  # MovieLens 99 has no link at all
    (3, 6, None, 1260759302, L1),  # no rating
]


@pytest.fixture(scope="module")
def links_frame(spark: SparkSession) -> DataFrame:
    return silver_movie_links(raw_frames.links(spark, RAW_LINKS)).cache()


@pytest.fixture(scope="module")
def links(links_frame: DataFrame) -> dict[int, Row]:
    return {row["movielens_movie_id"]: row for row in links_frame.collect()}


@pytest.fixture(scope="module")
def ratings_result(spark: SparkSession, links_frame: DataFrame) -> tuple[list[Row], list[Row]]:
    movies = spark.createDataFrame([(movie_id,) for movie_id in KNOWN_TMDB_IDS], "movie_id bigint")
    ratings, rejected = silver_ratings(raw_frames.ratings(spark, RAW_RATINGS), links_frame, movies)
    return ratings.collect(), rejected.collect()


@pytest.fixture(scope="module")
def ratings(ratings_result: tuple[list[Row], list[Row]]) -> dict[tuple[int, int], Row]:
    rows = ratings_result[0]
    keyed = {(row["user_id"], row["movielens_movie_id"]): row for row in rows}
    assert len(keyed) == len(rows), "ratings must have one row per (user, MovieLens movie)"
    return keyed


def test_links_one_row_per_movielens_id(links: dict[int, Row]) -> None:
    assert sorted(links) == [1, 2, 3, 6]


def test_links_pad_imdb_digits(links: dict[int, Row]) -> None:
    assert links[1]["imdb_id"] == "tt0114709"
    assert links[2]["imdb_id"] == "tt0113497"


def test_links_type_tmdb_ids(links: dict[int, Row]) -> None:
    assert links[1]["tmdb_id"] == 862
    assert links[3]["tmdb_id"] is None


def test_links_latest_load_wins(links: dict[int, Row]) -> None:
    assert links[6]["_loaded_at"].timestamp() == pytest.approx(float(L2), abs=1.0)


def test_links_keep_eight_digit_imdb_ids(spark: SparkSession) -> None:
    raw = raw_frames.links(spark, [("193609", "10872600", "581726", L1)])

    row = silver_movie_links(raw).first()

    assert row is not None
    assert row["imdb_id"] == "tt10872600"


def test_duplicate_rating_latest_load_wins(ratings: dict[tuple[int, int], Row]) -> None:
    assert ratings[(1, 1)]["rating"] == 3.0
    assert ratings[(1, 1)]["rated_at"].timestamp() == 1260759100


def test_duplicate_rating_in_one_load_latest_timestamp_wins(
    ratings: dict[tuple[int, int], Row],
) -> None:
    assert ratings[(2, 6)]["rating"] == 1.0


def test_out_of_range_and_missing_ratings_are_quarantined(
    ratings: dict[tuple[int, int], Row], ratings_result: tuple[list[Row], list[Row]]
) -> None:
    _, rejected = ratings_result

    assert (1, 2) not in ratings
    assert (3, 6) not in ratings
    assert sorted((row["record_key"], row["raw_value"]) for row in rejected) == [
        ("1:2", "7.0"),
        ("3:6", None),
    ]
    assert {row["reason"] for row in rejected} == {"rating outside [0.5, 5.0]"}
    assert {row["entity"] for row in rejected} == {"ratings"}


def test_every_valid_rating_is_kept(ratings: dict[tuple[int, int], Row]) -> None:
    assert sorted(ratings) == [(1, 1), (2, 2), (2, 6), (3, 3), (3, 99)]


def test_linked_known_movie_resolves_to_its_tmdb_id(
    ratings: dict[tuple[int, int], Row],
) -> None:
    assert ratings[(1, 1)]["movie_id"] == 862
    assert ratings[(2, 6)]["movie_id"] == 949


def test_movielens_id_is_never_used_as_movie_id(ratings: dict[tuple[int, int], Row]) -> None:
    # MovieLens 2 links to TMDB 8844 (not held); TMDB 2 is held but is a different movie.
    assert ratings[(2, 2)]["movie_id"] is None
    assert ratings[(1, 1)]["movie_id"] != 1


def test_unresolvable_ratings_keep_a_null_movie_id(ratings: dict[tuple[int, int], Row]) -> None:
    assert ratings[(3, 3)]["movie_id"] is None  # link without a TMDB id
    assert ratings[(3, 99)]["movie_id"] is None  # no link at all
