"""Which tables a layer's checks cover when a run delivers only some sources."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.quality import FILE_DELIVERIES, TABLES, layer_tables

GX_DIR = Path(__file__).resolve().parents[2] / "great_expectations" / "gx"


def test_raw_checks_cover_only_the_sources_a_run_delivered() -> None:
    assert layer_tables("raw", ("kaggle", "fred")) == [
        "kaggle_movies_metadata", "kaggle_ratings", "kaggle_links", "kaggle_credits", "fred_cpiaucsl",
    ]  # fmt: skip
    assert layer_tables("raw", ("omdb",)) == ["omdb_movies"]
    assert layer_tables("raw") == list(TABLES["raw"])
    assert set(FILE_DELIVERIES) <= set(layer_tables("raw", ("kaggle", "fred", "omdb", "tmdb", "yts")))


def test_silver_and_gold_are_always_checked_whole() -> None:
    assert layer_tables("silver", ("kaggle",)) == list(TABLES["silver"])
    assert layer_tables("gold", ("fred",)) == list(TABLES["gold"])


def test_a_lake_path_with_a_quote_is_read_not_spliced_into_the_sql(tmp_path) -> None:
    from flows.quality import _files
    from flows.warehouse import sql_string

    lake = tmp_path / "o'brien's lake"
    (lake / "raw" / "kaggle" / "links").mkdir(parents=True)
    pq.write_table(pa.table({"movie_id": [1, 2, 3]}), lake / "raw" / "kaggle" / "links" / "1.parquet")
    assert duckdb.sql(f"select count(*) from {_files(str(lake), 'raw', 'kaggle/links')}").fetchone() == (3,)
    assert sql_string("x'); drop table t; --") == "'x''); drop table t; --'"


def test_a_check_frame_carries_only_the_columns_its_suite_checks(tmp_path) -> None:
    from flows.quality import _projected, suite_columns

    assert suite_columns(GX_DIR, "raw", "kaggle_ratings") == ["movie_id", "rating", "timestamp", "user_id"]
    assert suite_columns(GX_DIR, "gold", "fct_ratings") == [
        "duplicated_keys",
        "max_rating",
        "min_rating",
        "row_count",
    ]
    # Every table of every layer has a suite this can read.
    assert all(suite_columns(GX_DIR, layer, table) != [] for layer in TABLES for table in TABLES[layer])

    (tmp_path / "expectations").mkdir()
    suite = {"expectations": [{"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}}]}
    (tmp_path / "expectations" / "raw__counted.json").write_text(json.dumps(suite))
    assert suite_columns(tmp_path, "raw", "counted") is None  # no column named: the frame keeps all
    whole = {
        "type": "expect_table_columns_to_match_set",
        "kwargs": {"column_set": ["a"], "exact_match": True},
    }
    suite["expectations"].append(whole)
    (tmp_path / "expectations" / "raw__exact.json").write_text(json.dumps(suite))
    assert suite_columns(tmp_path, "raw", "exact") is None  # an exact column set needs every column

    sql = _projected("select 1 as a, 'x' as b, 2 as \"c d\"", ["a", "c d"])
    assert duckdb.sql(sql).fetchall() == [(1, 2)]
    assert duckdb.sql(sql).columns == ["a", "c d"]


def _failed_columns(suite_name: str, frame: Any) -> set[str]:
    """The columns of `frame` whose expectations in the committed suite `suite_name` fail."""
    from great_expectations.expectations.registry import get_expectation_impl

    import great_expectations as gx

    suite_file = GX_DIR / "expectations" / f"{suite_name}.json"
    batch = (
        gx.get_context(mode="ephemeral")
        .data_sources.add_pandas("frames")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("latest")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    failed = set()
    for expectation in json.loads(suite_file.read_text())["expectations"]:
        check = get_expectation_impl(expectation["type"])(**expectation["kwargs"])
        if not batch.validate(check).success:
            failed.add(expectation["kwargs"]["column"])
    return failed


def test_the_gold_ratings_suite_fails_on_a_duplicated_key_and_a_rating_out_of_range() -> None:
    from flows.quality import GOLD_RATINGS

    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_ratings as select * from"
            " (values (1, 10, 4.0), (1, 10, 3.5), (2, 10, 7.0)) as t(user_id, movielens_movie_id, rating)"
        )
        frame = con.execute(GOLD_RATINGS).df()
    assert frame.to_dict("records") == [
        {"row_count": 3, "duplicated_keys": 1, "min_rating": 3.5, "max_rating": 7.0}
    ]
    assert _failed_columns("gold__fct_ratings", frame) == {"duplicated_keys", "max_rating"}


KEY_CASES = {
    "one column": (("a",), [(1,), (2,), (2,), (None,), (None,), (3,)], 2),
    "two columns": (("a", "b"), [(1, 1), (1, 2), (1, 2), (1, 2), (2, 1), (1, None), (1, None)], 2),
    "null beside a value": (("a", "b"), [(1, None), (1, 5), (None, 5), (2, 5), (3, None)], 0),
    "three columns": (("a", "b", "c"), [(1, 1, 1), (1, 1, 2), (1, 1, 1), (None, 1, 1), (None, 1, 1)], 2),
}


@pytest.mark.parametrize("keys, rows, expected", KEY_CASES.values(), ids=KEY_CASES.keys())
def test_duplicated_keys_counts_each_repeated_key_once_with_nulls_equal(
    keys: tuple[str, ...], rows: list[tuple[Any, ...]], expected: int
) -> None:
    """The neighbour comparison finds exactly what GROUP BY ... HAVING count(*) > 1 finds."""
    from flows.quality import duplicated_keys

    columns = ", ".join(keys)
    with duckdb.connect() as con:
        con.execute(f"create table t ({', '.join(f'{key} integer' for key in keys)})")
        con.executemany(f"insert into t values ({', '.join('?' for _ in keys)})", rows)
        grouped = con.execute(
            f"select count(*) from (select 1 from t group by {columns} having count(*) > 1)"
        ).fetchone()
        assert con.execute(f"select {duplicated_keys('t', keys)}").fetchone() == grouped == (expected,)


def test_the_silver_key_report_names_the_entity_whose_keys_repeat(tmp_path: Path) -> None:
    from flows.quality import SILVER_KEYS, _key_report

    for entity, keys in SILVER_KEYS.items():
        folder = tmp_path / "silver" / entity
        folder.mkdir(parents=True)
        if entity == "ratings":  # user 1 rated movie 10 twice, and movie 5 once
            table = pa.table({"user_id": [1, 1, 1], "movielens_movie_id": [10, 10, 5]})
        else:
            table = pa.table({key: [1, 2] for key in keys})
        pq.write_table(table, folder / "part-0.parquet")
    frame = duckdb.sql(_key_report(str(tmp_path))).df().set_index("entity")
    assert frame.loc["ratings", "duplicated_keys"] == 1
    assert frame["duplicated_keys"].drop("ratings").eq(0).all()
    assert frame["entity_with_duplicated_keys"].dropna().tolist() == ["ratings: 1 duplicated keys"]
    assert _failed_columns("silver__entity_keys", frame.reset_index()) == {"entity_with_duplicated_keys"}


def test_the_silver_ratings_suite_fails_on_a_missing_time_and_too_few_resolved_movies(tmp_path: Path) -> None:
    from flows.quality import _silver_ratings

    folder = tmp_path / "silver" / "ratings"
    folder.mkdir(parents=True)
    ratings = pa.table(
        {
            "rating": [4.0, 0.5, 5.0, 3.0],
            "rated_at": pa.array([datetime(2020, 1, 1), None, datetime(2020, 1, 2), datetime(2020, 1, 3)]),
            "movie_id": [862, None, None, 8844],
        }
    )
    pq.write_table(ratings, folder / "part-0.parquet")
    frame = duckdb.sql(_silver_ratings(str(tmp_path))).df()
    assert frame.to_dict("records") == [
        {
            "row_count": 4,
            "min_rating": 0.5,
            "max_rating": 5.0,
            "rated_at_nulls": 1,
            "share_with_movie_id": 0.5,
        }
    ]
    assert _failed_columns("silver__ratings", frame) == {"rated_at_nulls", "share_with_movie_id"}


def test_gx_batches_are_not_fingerprinted_once_fingerprints_are_turned_off(tmp_path: Path) -> None:
    from great_expectations.core.batch_spec import PathBatchSpec
    from great_expectations.execution_engine import PandasExecutionEngine

    from flows import quality

    frame = tmp_path / "frame.parquet"
    pq.write_table(pa.table({"rating": [0.5, 5.0]}), frame)
    spec = PathBatchSpec(path=str(frame), reader_method="read_parquet")
    _, before = PandasExecutionEngine().get_batch_data_and_markers(spec)
    assert "pandas_data_fingerprint" in before  # GX hashes a small batch by default

    quality._without_batch_fingerprints()
    _, after = PandasExecutionEngine().get_batch_data_and_markers(spec)

    assert "pandas_data_fingerprint" not in after


def _write_parquet(folder: Path, name: str, columns: dict[str, list[Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), folder / name)


@pytest.mark.parametrize(
    "fct_rows, unreconciled", [(3, None), (2, "fct_ratings 2 <> raw keys 5 - quarantined 2 (silver 3)")]
)
def test_the_reconciliation_counts_a_key_once_and_quarantined_only_keys_apart(
    tmp_path: Path, fct_rows: int, unreconciled: str | None
) -> None:
    """Raw keys over every load, less the keys no load rated validly, equal silver and fct_ratings."""
    from flows.quality import _reconciliation

    raw = tmp_path / "raw" / "kaggle" / "ratings"
    # (1, 10) valid; (1, 11) invalid, then valid; (2, 10) never valid; (3, 12) valid; (4, 13) missing.
    _write_parquet(raw, "1.parquet", {"user_id": [1, 1, 2, 3, 4], "movie_id": [10, 11, 10, 12, 13],
                                      "rating": [4.0, 9.0, 7.0, 3.5, None]})  # fmt: skip
    _write_parquet(raw, "2.parquet", {"user_id": [1, 2], "movie_id": [11, 10], "rating": [3.0, 0.0]})
    silver = tmp_path / "silver"
    _write_parquet(silver / "ratings", "part-0.parquet", {"user_id": [1, 1, 3]})
    _write_parquet(silver / "quarantine", "part-0.parquet", {"entity": ["ratings"] * 4 + ["movies"]})
    with duckdb.connect() as con:
        con.execute("attach ':memory:' as warehouse")
        con.execute("create schema warehouse.marts")
        con.execute(f"create table warehouse.marts.fct_ratings as select * from range({fct_rows})")
        frame = con.execute(_reconciliation(str(tmp_path))).df()
    assert frame.drop(columns="unreconciled").to_dict("records") == [
        {"raw_rating_keys": 5, "quarantined_only_keys": 2, "quarantined_rows": 4, "silver_ratings": 3,
         "fct_ratings": fct_rows}
    ]  # fmt: skip
    assert frame["unreconciled"].dropna().tolist() == ([unreconciled] if unreconciled else [])
    assert _failed_columns("gold__reconciliation", frame) == ({"unreconciled"} if unreconciled else set())
