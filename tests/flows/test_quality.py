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
