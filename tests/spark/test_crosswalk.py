"""The movie id crosswalk: one row per movie, evidence ranked, disagreements and strays counted."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from pyspark.sql import DataFrame, Row, SparkSession

from spark.transforms.crosswalk import MOVIE_IDS_COLUMNS, movie_ids, unmatched_frames

pytestmark = pytest.mark.slow

MOVIES = [(862, "tt0114709"), (949, "tt0113277"), (15602, None), (11860, "tt0114319"), (100, "tt0114709")]
TMDB_IMDB = [(862, "tt0114709"), (11860, "tt0999999"), (15602, None)]
LINKS = [
    (1, "tt0114709", 862),
    (6, "tt0113277", 949),
    (7, "tt0113277", 949),  # a second MovieLens id for 949
    (8, "tt0113228", 15602),  # the only IMDb evidence for 15602
    (2, "tt0113497", 8844),  # a movie silver does not hold
]
OMDB = ["tt0114709", "tt0113277", "tt7777777"]
YTS = [(10, "tt0114709"), (12, "tt0114709"), (11, "tt0113277"), (13, "tt8888888")]


# Load times: every row at T0, but for a later YTS row of tt0114709, a later links row of 15602 and
# a later OMDb arrival of tt0113277.
T0, T1, T2, T3 = (datetime(2023, 11, 14, 22, 13, 20) + timedelta(days=days) for days in (0, 1, 2, 3))
LATER = {("yts", 10): T1, ("links", 8): T2, ("omdb", "tt0113277"): T3}


def _at(spark: SparkSession, rows: list[Any], schema: str, source: str) -> DataFrame:
    key = (lambda row: row[0]) if isinstance(rows[0], tuple) else (lambda row: row)
    stamped = [
        (*(row if isinstance(row, tuple) else (row,)), LATER.get((source, key(row)), T0)) for row in rows
    ]
    return spark.createDataFrame(stamped, f"{schema}, _loaded_at timestamp")


@pytest.fixture(scope="module")
def built(spark: SparkSession) -> dict[str, Any]:
    movies = _at(spark, MOVIES, "movie_id bigint, imdb_id string", "movies")
    tmdb = _at(spark, TMDB_IMDB, "movie_id bigint, imdb_id string", "tmdb")
    links = _at(spark, LINKS, "movielens_movie_id bigint, imdb_id string, tmdb_id bigint", "links")
    omdb = _at(spark, OMDB, "imdb_id string", "omdb")
    yts = _at(spark, YTS, "yts_id bigint, imdb_id string", "yts")
    crosswalk, conflicts = movie_ids(movies, tmdb, links, omdb, yts)
    crosswalk = crosswalk.cache()
    frames: dict[str, DataFrame] = unmatched_frames(crosswalk, links, omdb, yts)
    return {
        "columns": tuple(crosswalk.columns),
        "movie_ids": crosswalk.collect(),
        "conflicts": conflicts.collect(),
        "unmatched": {kind: frame.count() for kind, frame in frames.items()},
    }


def test_a_row_is_as_new_as_its_newest_evidence(built: dict[str, Any]) -> None:
    assert {row["movie_id"]: row["_loaded_at"] for row in built["movie_ids"]} == {
        862: T1,  # YTS 10 came later
        949: T3,  # OMDb's response for its IMDb id came later
        15602: T2,  # its links row came later
        11860: T0,
        100: T1,  # shares 862's IMDb id, so YTS 10 too
    }


def test_one_row_per_movie_with_ranked_evidence(built: dict[str, Any]) -> None:
    assert built["columns"] == MOVIE_IDS_COLUMNS
    rows = Counter(
        tuple(row[c] for c in ("movie_id", "imdb_id", "movielens_movie_id", "yts_id", "in_omdb"))
        for row in built["movie_ids"]
    )

    assert rows == Counter(
        [
            (862, "tt0114709", 1, 10, True),  # two YTS ids: the smaller one
            (949, "tt0113277", 6, 11, True),  # two MovieLens ids: the smaller one
            (15602, "tt0113228", 8, None, False),  # IMDb id only from links.csv
            (11860, "tt0999999", None, None, False),  # TMDB's external id beats Kaggle's
            (100, "tt0114709", None, 10, True),  # shares 862's IMDb id: kept, counted as a conflict
        ]
    )


def test_conflicts_by_kind(built: dict[str, Any]) -> None:
    rows: list[Row] = built["conflicts"]

    fields = ("conflict", "id_value", "candidates", "candidate_count", "_loaded_at")
    assert sorted(tuple(row[f] if f != "candidates" else tuple(row[f]) for f in fields) for row in rows) == [
        ("imdb_id -> several movie_id", "tt0114709", ("100", "862"), 2, T0),
        ("imdb_id -> several yts_id", "tt0114709", ("10", "12"), 2, T1),  # YTS 10 came later
        ("movie_id -> several imdb_id", "11860", ("tt0114319", "tt0999999"), 2, T0),
        ("movie_id -> several movielens_movie_id", "949", ("6", "7"), 2, T0),
    ]


def test_unmatched_counts(built: dict[str, Any]) -> None:
    assert built["unmatched"] == {
        "movies without imdb_id": 0,
        "movielens ids without a movie": 2,  # 2 (TMDB 8844 not held) and 7 (949 keeps 6)
        "omdb imdb ids without a movie": 1,  # tt7777777
        "yts ids without a movie": 2,  # 12 (862 keeps 10) and 13 (no movie)
    }
