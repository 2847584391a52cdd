"""Silver ratings merged from the raw loads not yet consumed: each mode ends where a rebuild does."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import DataFrame, SparkSession

from spark.jobs import ratings as ratings_job
from spark.jobs.ratings import LOADS, RESOLVED_AGAINST, PublishMode, new_loads, publish_ratings
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


def _snapshots(lake: Lake) -> int:
    return lake.spark.table(f"{lake.table('ratings')}.snapshots").count()


def _data_files(lake: Lake) -> set[str]:
    return {
        row[0] for row in lake.spark.sql(f"select file_path from {lake.table('ratings')}.files").collect()
    }


@pytest.fixture
def lake(spark: SparkSession, tmp_path: Path) -> Lake:
    _write_load(tmp_path, L1, FIRST)
    return Lake(spark, str(tmp_path))


def _publish(
    spark: SparkSession, lake: Lake, held: list[int] = HELD, full_refresh: bool = False
) -> PublishMode:
    """Publish against the held movies (named by themselves, as silver names them by snapshot ids)."""
    links, movies = _inputs(spark, held)
    mode = publish_ratings(lake, links, movies, {"held": held}, full_refresh)
    assert _rows(lake.read_silver("ratings")) == _rebuilt(lake, links, movies)
    assert lake.table_property("ratings", RESOLVED_AGAINST)["names"] == {"held": held}
    return mode


def test_first_publish_rebuilds_and_records_the_loads(spark: SparkSession, lake: Lake) -> None:
    assert _publish(spark, lake) is PublishMode.FULL
    assert lake.recorded("ratings", LOADS) == [L1, 1]
    assert lake.read_silver("ratings").count() == 4


def test_no_new_load_commits_nothing(spark: SparkSession, lake: Lake) -> None:
    _publish(spark, lake)
    assert _publish(spark, lake) is PublishMode.UNCHANGED
    assert _snapshots(lake) == 1


def test_a_load_of_new_pairs_is_merged_beside_the_live_files(
    spark: SparkSession, lake: Lake, tmp_path: Path
) -> None:
    _publish(spark, lake)
    files = _data_files(lake)
    _write_load(tmp_path, L2, [(3, 1, 4.5, 100 + DAY), (3, 2, 1.0, 200 + DAY), (3, 2, 2.0, 300 + DAY)])
    assert _publish(spark, lake) is PublishMode.MERGED
    assert files < _data_files(lake)  # the live files are kept as they were
    assert lake.read_silver("ratings").count() == lake.silver_rows("ratings") == 6  # (3, 2) counts once
    assert lake.recorded("ratings", LOADS) == [L2, 2]
    assert _snapshots(lake) == 2


def test_a_re_rated_pair_replaces_its_row_in_place(spark: SparkSession, lake: Lake, tmp_path: Path) -> None:
    _publish(spark, lake)
    files = _data_files(lake)
    _write_load(tmp_path, L2, [(1, 2, 5.0, 50), (4, 1, 3.5, 60)])  # older timestamp, newer load
    assert _publish(spark, lake) is PublishMode.MERGED
    rows = {(row["user_id"], row["movielens_movie_id"]): row for row in lake.read_silver("ratings").collect()}
    assert len(rows) == lake.silver_rows("ratings") == 5
    assert rows[(1, 2)]["rating"] == 5.0
    assert files < _data_files(lake)  # not rewritten: a delete file and the new rows are added
    deletes = lake.spark.sql(f"select record_count from {lake.table('ratings')}.delete_files").collect()
    assert [row["record_count"] for row in deletes] == [1]


def _pairs(lake: Lake) -> dict[tuple[int, int], tuple[float, float]]:
    """Silver's (user, MovieLens movie) -> (rating, load time in unix seconds); a pair held twice fails."""
    rows = lake.read_silver("ratings").selectExpr(
        "struct(user_id, movielens_movie_id) as pair", "struct(rating, cast(_loaded_at as double)) as value"
    )
    pairs = [(tuple(row["pair"]), tuple(row["value"])) for row in rows.collect()]
    assert len(pairs) == len(dict(pairs)) == lake.silver_rows("ratings"), sorted(pairs)
    return dict(pairs)


def test_a_load_delivered_twice_merges_one_row_per_pair(
    spark: SparkSession, lake: Lake, tmp_path: Path
) -> None:
    """A retried dlt load: the same rows in two raw loads (L2 and L3, taken in one run; once more in a
    later run), and a pair twice inside one load. Iceberg refuses a MERGE whose target row two source
    rows match, so each merge must get one row per pair; the latest load's row is the one kept."""
    _publish(spark, lake)
    retried = [(1, 2, 5.0, 500), (4, 1, 3.5, 600), (4, 1, 3.5, 600)]  # a re-rated pair, a new one twice
    _write_load(tmp_path, L2, retried)
    _write_load(tmp_path, L3, retried)
    assert _publish(spark, lake) is PublishMode.MERGED
    pairs = _pairs(lake)
    assert len(pairs) == 5
    assert (pairs[(1, 2)], pairs[(4, 1)]) == ((5.0, float(L3)), (3.5, float(L3)))
    later = "1700259200.0"  # the same load delivered once more, after L3 was consumed
    _write_load(tmp_path, later, retried)
    assert _publish(spark, lake) is PublishMode.MERGED
    pairs = _pairs(lake)
    assert len(pairs) == 5
    assert (pairs[(1, 2)], pairs[(4, 1)]) == ((5.0, float(later)), (3.5, float(later)))
    assert pairs[(1, 1)] == (4.0, float(L1))  # a pair no retried load carried is left as it was


def test_a_late_older_load_rebuilds(spark: SparkSession, lake: Lake, tmp_path: Path) -> None:
    _publish(spark, lake)
    _write_load(tmp_path, EARLY, [(1, 1, 1.0, 999), (5, 1, 2.0, 10)])  # loses (1, 1) to L1's row
    assert _publish(spark, lake) is PublishMode.FULL
    rows = {(row["user_id"], row["movielens_movie_id"]): row for row in lake.read_silver("ratings").collect()}
    assert rows[(1, 1)]["rating"] == 4.0
    assert (5, 1) in rows
    assert lake.recorded("ratings", LOADS) == [L1, 2]


def test_a_newly_held_movie_resolves_old_ratings_in_place(spark: SparkSession, lake: Lake) -> None:
    _publish(spark, lake)
    before = {row["movielens_movie_id"]: row["movie_id"] for row in lake.read_silver("ratings").collect()}
    assert before[3] is None  # 15602 is not held yet
    assert _publish(spark, lake, [*HELD, 15602]) is PublishMode.MERGED
    after = {row["movielens_movie_id"]: row["movie_id"] for row in lake.read_silver("ratings").collect()}
    assert after[3] == 15602
    assert _publish(spark, lake, [862]) is PublishMode.MERGED  # 8844 no longer held: unresolved
    after = {row["movielens_movie_id"]: row["movie_id"] for row in lake.read_silver("ratings").collect()}
    assert after == {1: 862, 2: None, 3: None}


def test_re_resolving_after_a_job_that_died_between_its_two_merges(
    spark: SparkSession, lake: Lake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job that dies after merging a new load and before re-resolving leaves one MovieLens movie
    under two movie ids. When its link then moves, the re-resolving merge must get one source row per
    MovieLens movie (its merge key), not one per movie id held, or Iceberg refuses the MERGE."""
    _publish(spark, lake)  # MovieLens 3 unresolved: user 2's rating holds a null movie_id
    _write_load(tmp_path, L2, [(5, 3, 4.0, 500)])
    links, movies = _inputs(spark, [*HELD, 15602])

    def killed(*_: object) -> bool:
        raise RuntimeError("killed after the merge of L2 committed")

    monkeypatch.setattr(ratings_job, "_re_resolve", killed)
    with pytest.raises(RuntimeError, match="killed"):
        publish_ratings(lake, links, movies, {"held": "with 15602"})
    monkeypatch.undo()
    held = lake.read_silver("ratings").where("movielens_movie_id = 3").collect()
    assert sorted((row["user_id"], row["movie_id"]) for row in held) == [(2, None), (5, 15602)]

    moved = silver_movie_links(raw_frames.links(spark, [*LINKS[:2], ("3", "0113228", "11862", L2)]))
    movies = spark.createDataFrame([(movie,) for movie in [*HELD, 15602, 11862]], "movie_id bigint")
    assert publish_ratings(lake, moved, movies, {"held": "MovieLens 3 moved"}) is PublishMode.MERGED
    assert _rows(lake.read_silver("ratings")) == _rebuilt(lake, moved, movies)
    held = lake.read_silver("ratings").where("movielens_movie_id = 3").collect()
    assert sorted((row["user_id"], row["movie_id"]) for row in held) == [(2, 11862), (5, 11862)]


def test_old_rows_are_not_re_resolved_while_what_they_resolve_against_is_named_the_same(
    spark: SparkSession, lake: Lake
) -> None:
    _publish(spark, lake)
    links, movies = _inputs(spark, [*HELD, 15602])  # another movie held, under the same name
    assert publish_ratings(lake, links, movies, {"held": HELD}) is PublishMode.UNCHANGED
    resolved = {row["movielens_movie_id"]: row["movie_id"] for row in lake.read_silver("ratings").collect()}
    assert resolved[3] is None  # the scan for moved movie ids did not run
    assert _snapshots(lake) == 1


def test_under_a_new_name_the_scan_runs_only_when_the_mapping_moved(
    spark: SparkSession, lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(spark, lake)
    scans: list[int] = []
    re_resolve = ratings_job._re_resolve
    monkeypatch.setattr(ratings_job, "_re_resolve", lambda *args: scans.append(1) or re_resolve(*args))
    links, movies = _inputs(spark, [*HELD, 999])  # a new film no MovieLens movie links to
    assert publish_ratings(lake, links, movies, {"held": "new snapshot"}) is PublishMode.UNCHANGED
    assert scans == []
    assert lake.table_property("ratings", RESOLVED_AGAINST)["names"] == {"held": "new snapshot"}
    links, movies = _inputs(spark, [*HELD, 15602])  # MovieLens 3 now reaches a movie
    assert publish_ratings(lake, links, movies, {"held": "newer snapshot"}) is PublishMode.MERGED
    assert scans == [1]
    assert _rows(lake.read_silver("ratings")) == _rebuilt(lake, links, movies)


def test_full_refresh_rebuilds(spark: SparkSession, lake: Lake) -> None:
    _publish(spark, lake)
    assert _publish(spark, lake, full_refresh=True) is PublishMode.FULL
    assert _snapshots(lake) == 2


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        (None, None),  # no watermark: rebuild
        ((L1, 2), None),  # a consumed load is gone from raw (two counted up to L1, one there)
        ((L2, 1), None),  # L1 is not new but was not counted: a late, older load
        ((L3, 3), []),  # nothing new
        ((L1, 1), [L2, L3]),
        ((EARLY, 0), [L1, L2, L3]),
    ],
)
def test_new_loads(recorded: tuple[str, int] | None, expected: list[str] | None) -> None:
    assert new_loads(recorded, [L1, L2, L3]) == expected
