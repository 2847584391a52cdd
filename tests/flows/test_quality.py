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
