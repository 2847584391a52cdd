"""YTS records -> silver yts_movies and yts_torrents."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from pyspark.sql import Row, SparkSession

from spark.transforms import yts
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

TORRENT_720 = {
    "url": "https://yts.example/torrent/download/ABC",
    "hash": "abc123",
    "quality": "720p",
    "type": "bluray",
    "video_codec": "x264",
    "seeds": 100,
    "peers": 7,
    "size_bytes": 1181116006,
    "date_uploaded_unix": 1446343159,
}
TORRENT_1080 = {**TORRENT_720, "hash": "DEF456", "quality": "1080p", "seeds": "55", "size_bytes": None}
RAW_ROWS = [
    ("10", "tt0114709", "Toy Story (old)", "1995", "7.0", "81", "[]", "[]", L1),
    (
        "10",
        "tt0114709",
        "Toy Story",
        "1995",
        "8.3",
        "81",
        json.dumps(("Animation", "Comedy")),
        json.dumps(
            [TORRENT_720, {**TORRENT_720, "hash": "ABC123", "seeds": 3}, TORRENT_1080, {"quality": "3D"}]
        ),
        L2,
    ),
    ("11", "tt0113277", "Heat", "1995", "0", "0", None, "not json", L1),
    ("x", "tt0000001", "Bad", "2000", "1", "1", "[]", "[]", L1),
]
COLUMNS = ["id", "imdb_code", "title", "year", "rating", "runtime", "genres", "torrents", "_dlt_load_id"]


@pytest.fixture(scope="module")
def built(spark: SparkSession) -> dict[str, list[Row]]:
    raw = spark.createDataFrame(RAW_ROWS, ", ".join(f"{c} string" for c in COLUMNS))
    typed = yts.typed_yts(raw)  # date_uploaded* absent: added as null
    latest = yts.latest_yts(typed).cache()
    return {
        "movies": yts.yts_movies(latest).collect(),
        "torrents": yts.yts_torrents(latest).collect(),
        "rejects": yts.yts_rejects(typed, latest).collect(),
    }


def _rows(built: dict[str, list[Row]], entity: str, *columns: str) -> Counter[tuple[Any, ...]]:
    """The rows as a multiset (lists as tuples so they can be counted)."""
    values = (tuple(row[c] for c in columns) for row in built[entity])
    return Counter(tuple(tuple(v) if isinstance(v, list) else v for v in row) for row in values)


def test_yts_movies_exact(built: dict[str, list[Row]]) -> None:
    assert _rows(
        built, "movies", "yts_id", "imdb_id", "title", "year", "rating", "runtime_minutes", "genres"
    ) == (
        Counter(
            [
                (10, "tt0114709", "Toy Story", 1995, 8.3, 81, ("Animation", "Comedy")),
                (11, "tt0113277", "Heat", 1995, 0.0, None, ()),  # runtime 0 is unknown; no genres
            ]
        )
    )


def test_yts_torrents_one_row_per_hash(built: dict[str, list[Row]]) -> None:
    assert _rows(
        built, "torrents", "yts_id", "torrent_hash", "quality", "seeds", "peers", "size_bytes"
    ) == Counter(
        [
            (10, "ABC123", "720p", 100, 7, 1181116006),  # "abc123" and "ABC123" are one torrent
            (10, "DEF456", "1080p", 55, 7, None),
        ]
    )
    uploaded = {row["uploaded_at"].replace(tzinfo=UTC) for row in built["torrents"]}
    assert uploaded == {datetime(2015, 11, 1, 1, 59, 19, tzinfo=UTC)}


def test_yts_rejects(built: dict[str, list[Row]]) -> None:
    assert _rows(built, "rejects", "entity", "record_key", "reason") == Counter(
        [
            ("yts_movies", "tt0000001", "id is not an integer"),
            ("yts_torrents", "11", "torrents: not JSON of the expected shape"),
            ("yts_torrents", "10", "torrent has no hash"),  # the {"quality": "3D"} entry
        ]
    )
