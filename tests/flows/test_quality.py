"""Which tables a layer's checks cover when a run delivers only some sources."""

from __future__ import annotations

from flows.quality import FILE_DELIVERIES, TABLES, layer_tables


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
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from flows.quality import _files
    from flows.warehouse import sql_string

    lake = tmp_path / "o'brien's lake"
    (lake / "raw" / "kaggle" / "links").mkdir(parents=True)
    pq.write_table(pa.table({"movie_id": [1, 2, 3]}), lake / "raw" / "kaggle" / "links" / "1.parquet")
    assert duckdb.sql(f"select count(*) from {_files(str(lake), 'raw', 'kaggle/links')}").fetchone() == (3,)
    assert sql_string("x'); drop table t; --") == "'x''); drop table t; --'"


def test_a_check_frame_carries_only_the_columns_its_suite_checks(tmp_path) -> None:
    import json
    from pathlib import Path

    import duckdb

    from flows.quality import _projected, suite_columns

    gx_dir = Path(__file__).resolve().parents[2] / "great_expectations" / "gx"
    assert suite_columns(gx_dir, "raw", "kaggle_ratings") == ["movie_id", "rating", "timestamp", "user_id"]
    assert suite_columns(gx_dir, "gold", "fct_ratings") == ["movielens_movie_id", "rating", "user_id"]
    # Every table of every layer has a suite this can read.
    assert all(suite_columns(gx_dir, layer, table) != [] for layer in TABLES for table in TABLES[layer])

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
