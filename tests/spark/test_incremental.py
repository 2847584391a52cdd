"""Silver ratings published from the raw loads not yet consumed: each mode ends where a rebuild does."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import DataFrame, SparkSession

from spark.jobs import incremental
from spark.jobs.incremental import Manifest, PublishMode, new_loads, publish_ratings
from spark.lake import Lake
from spark.transforms.ratings import silver_movie_links, silver_ratings
from tests.spark import raw_frames

pytestmark = pytest.mark.slow

# Loads (dlt load ids are unix times): L1 < L2 < L3; EARLY sorts before L1.
EARLY, L1, L2, L3 = "1699990000.0", "1700000000.5", "1700086400.0", "1700172800.25"
DAY = 86_400
# MovieLens 1 -> TMDB 862 (held), 2 -> 8844 (held), 3 -> 15602 (held only once `movies` has it).
LINKS = [("1", "0114709", "862", L1), ("2", "0113497", "8844", L1), ("3", "0113228", "15602", L1)]
HELD = [862, 8844]
Rating = tuple[int, int, float | None, int]
FIRST: list[Rating] = [(1, 1, 4.0, 100), (1, 2, 3.0, 200), (2, 1, 5.0, 300), (2, 3, 2.5, 400)]


def _write_load(lake_dir: Path, load_id: str, rows: list[Rating]) -> None:
    """One raw ratings file in the lake's layout: raw/kaggle/ratings/<load_id>.<file_id>.parquet."""
    folder = lake_dir / "raw" / "kaggle" / "ratings"
    folder.mkdir(parents=True, exist_ok=True)
    columns = list(zip(*[(*row, "ratings.csv", load_id) for row in rows], strict=True))
    schema = pa.schema(
        [("user_id", pa.int64()), ("movie_id", pa.int64()), ("rating", pa.float64()),
         ("timestamp", pa.int64()), ("_source_file", pa.string()), ("_dlt_load_id", pa.string())]
    )  # fmt: skip
    table = pa.Table.from_arrays([pa.array(values) for values in columns], schema=schema)
    pq.write_table(table, folder / f"{load_id}.0a1b2c3d4e.parquet")


def _inputs(spark: SparkSession, held: list[int]) -> tuple[DataFrame, DataFrame]:
    links = silver_movie_links(raw_frames.links(spark, LINKS))
    movies = spark.createDataFrame([(movie_id,) for movie_id in held], "movie_id bigint")
    return links, movies


def _rows(frame: DataFrame) -> list[tuple[object, ...]]:
    return sorted(tuple(row) for row in frame.collect())


def _rebuilt(lake: Lake, links: DataFrame, movies: DataFrame) -> list[tuple[object, ...]]:
    rows, _ = silver_ratings(lake.read_raw("kaggle", "ratings"), links, movies)
    return _rows(rows)


def _data_files(lake_dir: Path) -> set[str]:
    return {path.name for path in (lake_dir / "silver" / "ratings").glob("*.parquet")}


@pytest.fixture
def lake(spark: SparkSession, tmp_path: Path) -> Lake:
    _write_load(tmp_path, L1, FIRST)
    return Lake(spark, str(tmp_path))


def _publish(spark: SparkSession, lake: Lake, held: list[int] = HELD) -> PublishMode:
    links, movies = _inputs(spark, held)
    mode = publish_ratings(lake, links, movies)
    assert _rows(lake.read_silver("ratings")) == _rebuilt(lake, links, movies)
    return mode


def test_first_publish_rebuilds_and_records_the_loads(spark: SparkSession, lake: Lake) -> None:
    assert _publish(spark, lake) is PublishMode.FULL
    manifest = Manifest.from_json(lake.read_manifest("ratings"))
    assert manifest is not None and manifest.loads == (L1,)
    assert lake.read_silver("ratings").count() == 4


def test_no_new_load_writes_nothing(spark: SparkSession, lake: Lake, tmp_path: Path) -> None:
    _publish(spark, lake)
    files = _data_files(tmp_path)
    assert _publish(spark, lake) is PublishMode.UNCHANGED
    assert _data_files(tmp_path) == files


def test_a_load_of_new_pairs_is_appended_beside_the_live_files(
    spark: SparkSession, lake: Lake, tmp_path: Path
) -> None:
    _publish(spark, lake)
    files = _data_files(tmp_path)
    _write_load(tmp_path, L2, [(3, 1, 4.5, 100 + DAY), (3, 2, 1.0, 200 + DAY), (3, 2, 2.0, 300 + DAY)])
    assert _publish(spark, lake) is PublishMode.APPENDED
    assert files < _data_files(tmp_path)  # the live files are kept as they were
    assert lake.read_silver("ratings").count() == 6  # user 3's duplicated pair counts once
    manifest = Manifest.from_json(lake.read_manifest("ratings"))
    assert manifest is not None and manifest.loads == (L1, L2)


def test_a_re_rated_pair_takes_the_newer_load(spark: SparkSession, lake: Lake, tmp_path: Path) -> None:
    _publish(spark, lake)
    _write_load(tmp_path, L2, [(1, 2, 5.0, 50), (4, 1, 3.5, 60)])  # older timestamp, newer load
    assert _publish(spark, lake) is PublishMode.MERGED
    rows = {(row["user_id"], row["movielens_movie_id"]): row for row in lake.read_silver("ratings").collect()}
    assert len(rows) == 5
    assert rows[(1, 2)]["rating"] == 5.0


def test_appends_are_compacted_once_the_folder_is_full(
    spark: SparkSession, lake: Lake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(spark, lake)
    monkeypatch.setattr(incremental, "MAX_FILES", len(_data_files(tmp_path)) + 1)
    _write_load(tmp_path, L2, [(3, 1, 4.5, 100 + DAY)])
    assert _publish(spark, lake) is PublishMode.APPENDED
    _write_load(tmp_path, L3, [(4, 1, 4.0, 100 + 2 * DAY)])
    assert _publish(spark, lake) is PublishMode.MERGED  # new pairs only, but no room for a file
    assert len(_data_files(tmp_path)) <= 4


def test_a_late_older_load_rebuilds(spark: SparkSession, lake: Lake, tmp_path: Path) -> None:
    _publish(spark, lake)
    _write_load(tmp_path, EARLY, [(1, 1, 1.0, 999), (5, 1, 2.0, 10)])  # loses (1, 1) to L1's row
    assert _publish(spark, lake) is PublishMode.FULL
    rows = {(row["user_id"], row["movielens_movie_id"]): row for row in lake.read_silver("ratings").collect()}
    assert rows[(1, 1)]["rating"] == 4.0
    assert (5, 1) in rows


def test_a_newly_held_movie_rebuilds_and_resolves_old_ratings(
    spark: SparkSession, lake: Lake, tmp_path: Path
) -> None:
    _publish(spark, lake)
    before = {row["movielens_movie_id"]: row["movie_id"] for row in lake.read_silver("ratings").collect()}
    assert before[3] is None  # 15602 is not held yet
    assert _publish(spark, lake, [*HELD, 15602]) is PublishMode.FULL
    after = {row["movielens_movie_id"]: row["movie_id"] for row in lake.read_silver("ratings").collect()}
    assert after[3] == 15602


def test_new_code_rebuilds(spark: SparkSession, lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    _publish(spark, lake)
    monkeypatch.setattr(incremental, "code_fingerprint", lambda: "other code")
    assert _publish(spark, lake) is PublishMode.FULL
    manifest = Manifest.from_json(lake.read_manifest("ratings"))
    assert manifest is not None and manifest.code == "other code"


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, None),  # no manifest: rebuild
        (Manifest("other", "r", (L1,)), None),  # code changed
        (Manifest("c", "other", (L1,)), None),  # resolution changed
        (Manifest("c", "r", (L1, "1600000000.0")), None),  # a consumed load is gone from raw
        (Manifest("c", "r", (L2,)), None),  # L1 is new but older than the consumed L2
        (Manifest("c", "r", (L1, L2, L3)), []),  # nothing new
        (Manifest("c", "r", (L1,)), [L2, L3]),
        (Manifest("c", "r", ()), [L1, L2, L3]),  # an empty delivery was consumed before
    ],
)
def test_new_loads(stored: Manifest | None, expected: list[str] | None) -> None:
    assert new_loads(stored, Manifest("c", "r", (L1, L2, L3))) == expected


QUARANTINE = "layer string, source string, entity string, record_key string, raw_value string, reason string"


def _group(spark: SparkSession, lake: Lake, ids: list[int]) -> incremental.Group:
    held = spark.createDataFrame([(i,) for i in ids], "movie_id bigint")
    rejects = spark.createDataFrame([("silver", "kaggle", "movie_cast", "8844", "[", "broken")], QUARANTINE)
    inputs = incremental.inputs_fingerprint(lake, [("kaggle", "ratings")], {"held": held})
    return incremental.Group(
        lake, "cast", inputs, {"movie_cast": held.selectExpr("movie_id * 10 as x")}, rejects
    )


def _publish_group(group: incremental.Group) -> tuple[PublishMode, list[tuple[object, ...]]]:
    mode = group.publisher("movie_cast")()
    return mode, _rows(group.published_rejects())


def test_a_group_is_skipped_only_while_what_it_reads_is_the_same(
    spark: SparkSession, lake: Lake, tmp_path: Path
) -> None:
    broken = [("silver", "kaggle", "movie_cast", "8844", "[", "broken")]
    assert _publish_group(_group(spark, lake, [862, 8844])) == (PublishMode.FULL, broken)
    files = {p.name for p in (tmp_path / "silver" / "movie_cast").glob("*.parquet")}
    assert _publish_group(_group(spark, lake, [8844, 862])) == (PublishMode.UNCHANGED, broken)
    assert {p.name for p in (tmp_path / "silver" / "movie_cast").glob("*.parquet")} == files
    assert _rows(lake.read_silver("movie_cast")) == [(8620,), (88440,)]

    assert _publish_group(_group(spark, lake, [862, 8844, 15602]))[0] is PublishMode.FULL  # a new movie
    assert _rows(lake.read_silver("movie_cast")) == [(8620,), (88440,), (156020,)]
    _write_load(tmp_path, L2, [(9, 1, 3.0, 1)])
    assert _publish_group(_group(spark, lake, [862, 8844, 15602]))[0] is PublishMode.FULL  # a new raw load


def test_a_half_published_group_is_rebuilt(spark: SparkSession, lake: Lake) -> None:
    group = _group(spark, lake, [862])
    group.publisher("movie_cast")()  # killed before its rejects were published
    again = _group(spark, lake, [862])
    assert not again.unchanged()
    assert _publish_group(again)[0] is PublishMode.FULL
    assert _group(spark, lake, [862]).unchanged()


SOURCE = '''"""A module."""

def rate(x):
    """Half a star up."""
    return x + 0.5  # rounding comes later
'''


@pytest.mark.parametrize(
    ("changed", "same"),
    [
        (SOURCE.replace("# rounding comes later", "# a new comment"), True),
        (SOURCE.replace('"""Half a star up."""', '"""Reworded."""'), True),
        (SOURCE.replace('"""A module."""\n', ""), True),
        (SOURCE.replace("x + 0.5", "(x\n            + 0.5)"), True),
        (SOURCE.replace("0.5", "1.0"), False),
        (SOURCE.replace('"""Half a star up."""\n    return x + 0.5', 'return "Half a star up."'), False),
    ],
)
def test_only_what_the_code_does_is_fingerprinted(changed: str, same: bool) -> None:
    assert changed != SOURCE
    assert (incremental.code_shape(changed) == incremental.code_shape(SOURCE)) is same
