"""Which tables a layer's checks cover when a run delivers only some sources."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lakehouse.duckdb import load_extensions
from quality import suites
from quality.frames import FILE_DELIVERIES, TABLES, Lake, layer_tables
from tests.silver_tables import write_silver_tables

GX_DIR = Path(__file__).resolve().parents[2] / "great_expectations" / "gx"


def test_raw_checks_cover_only_the_sources_a_run_delivered() -> None:
    assert layer_tables("raw", ("kaggle", "fred")) == [
        "kaggle_movies_metadata", "kaggle_ratings", "kaggle_links", "kaggle_credits", "fred_cpiaucsl",
    ]  # fmt: skip
    assert layer_tables("raw", ("omdb",)) == ["omdb_movies"]
    assert layer_tables("raw") == list(TABLES["raw"])
    assert set(FILE_DELIVERIES) <= set(layer_tables("raw", ("kaggle", "fred", "omdb", "tmdb", "yts")))


def test_raw_tables_of_a_delivered_source_are_checked_once_they_hold_a_load() -> None:
    # OMDb's quota spent at its first call: the source ran, but raw/omdb/movies holds no load yet.
    loaded = {"kaggle/ratings": ("1", 1), "fred/cpiaucsl": ("1", 1), "tmdb/movies": ("1", 1)}
    assert layer_tables("raw", ("kaggle", "fred", "omdb", "tmdb"), loaded) == [
        "kaggle_ratings", "fred_cpiaucsl", "tmdb_movies"
    ]  # fmt: skip


def test_silver_and_gold_are_always_checked_whole() -> None:
    assert layer_tables("silver", ("kaggle",)) == list(TABLES["silver"])
    assert layer_tables("gold", ("fred",)) == list(TABLES["gold"])


def test_a_lake_path_with_a_quote_is_read_not_spliced_into_the_sql(tmp_path) -> None:
    from lakehouse.sql import sql_string
    from quality.frames import parquet

    lake = tmp_path / "o'brien's lake"
    (lake / "raw" / "kaggle" / "links").mkdir(parents=True)
    pq.write_table(pa.table({"movie_id": [1, 2, 3]}), lake / "raw" / "kaggle" / "links" / "1.parquet")
    assert duckdb.sql(f"select count(*) from {parquet(str(lake), 'raw', 'kaggle/links')}").fetchone() == (3,)
    assert sql_string("x'); drop table t; --") == "'x''); drop table t; --'"


def test_frame_templates_quote_names_and_refuse_a_missing_parameter() -> None:
    """The frames' SQL templates (quality/sql/) put a name in the SQL only as a quoted literal, and a
    parameter a template needs but is not given is an error, never an empty string in the SQL."""
    import jinja2

    from quality.frames import Entity, render

    sql = render("silver/orphans.sql", movies="(select 1 as movie_id)",
                 bridges=[Entity("o'x", "(select 2 as movie_id)")])  # fmt: skip
    assert duckdb.sql(sql).fetchall() == [("o'x", 1, "o'x: 1 rows without a movie")]
    with pytest.raises(jinja2.UndefinedError, match="relation"):
        render("whole_table.sql")


def test_a_check_frame_carries_only_the_columns_its_suite_checks(tmp_path) -> None:
    from quality.suites import projected, suite_columns

    assert suite_columns(GX_DIR, "raw", "kaggle_links") == ["imdb_id", "movie_id", "tmdb_id"]
    # A row_condition's column is checked too: the raw ratings frame's `kind` (see offending_rows).
    assert suite_columns(GX_DIR, "raw", "kaggle_ratings") == [
        "kind",
        "movie_id",
        "rating",
        "row_count",
        "timestamp",
        "user_id",
    ]
    assert suite_columns(GX_DIR, "gold", "fct_ratings") == ["max_rating", "min_rating", "row_count"]
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

    sql = projected("select 1 as a, 'x' as b, 2 as \"c d\"", ["a", "c d"])
    assert duckdb.sql(sql).fetchall() == [(1, 2)]
    assert duckdb.sql(sql).columns == ["a", "c d"]


def _validate(suite: dict[str, Any], frame: Any, parameters: dict[str, Any]) -> dict[str, list[Any]]:
    """Each failed expectation of `suite` on `frame` (`type(column)`) with its offending values."""
    from great_expectations.expectations.registry import get_expectation_impl

    import great_expectations as gx

    batch = (
        gx.get_context(mode="ephemeral")
        .data_sources.add_pandas("frames")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("latest")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    failed: dict[str, list[Any]] = {}
    for expectation in suite["expectations"]:
        kwargs = {
            key: parameters[value["$PARAMETER"]]
            if isinstance(value, dict) and "$PARAMETER" in value
            else value
            for key, value in expectation["kwargs"].items()
        }
        result = batch.validate(get_expectation_impl(expectation["type"])(**kwargs), result_format="COMPLETE")
        if not result.success:
            values = result.result.get("unexpected_list", [])
            failed[f"{expectation['type']}({kwargs.get('column', '')})"] = sorted(values, key=repr)
    return failed


def _failed_columns(suite_name: str, frame: Any) -> set[str]:
    """The columns of `frame` whose expectations in the committed suite `suite_name` fail."""
    from quality.suites import load_suite

    layer, table = suite_name.split("__", 1)
    failed = _validate(load_suite(GX_DIR, layer, table), frame, {})
    return {name.removesuffix(")").split("(", 1)[1] for name in failed}


def test_the_gold_ratings_suite_fails_on_a_rating_out_of_range() -> None:
    from quality.frames import GOLD_RATINGS

    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_ratings as select * from"
            " (values (1, 10, 4.0), (1, 10, 3.5), (2, 10, 7.0)) as t(user_id, movielens_movie_id, rating)"
        )
        frame = con.execute(GOLD_RATINGS).df()
    assert frame.to_dict("records") == [{"row_count": 3, "min_rating": 3.5, "max_rating": 7.0}]
    assert _failed_columns("gold__fct_ratings", frame) == {"max_rating"}


def test_the_fct_ratings_key_is_dbts_test_not_repeated_in_gx() -> None:
    """fct_ratings' (user, MovieLens movie) key is checked once: by dbt's unique_combination_of_columns
    test on the model, which `dbt build` runs before gold is validated; GX does not repeat it."""
    import yaml

    from quality.frames import GOLD_RATINGS
    from quality.suites import load_suite

    models = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts" / "core"
    (fct_ratings,) = [
        model
        for path in models.glob("*.yml")
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", [])
        if model["name"] == "fct_ratings"
    ]
    key_tests = [
        test["unique_combination_of_columns"]["arguments"]["combination_of_columns"]
        for test in fct_ratings.get("data_tests", [])
        if isinstance(test, dict) and "unique_combination_of_columns" in test
    ]
    assert key_tests == [["user_id", "movielens_movie_id"]]
    suite = load_suite(GX_DIR, "gold", "fct_ratings")
    assert not any("duplicated" in str(e["kwargs"].get("column", "")) for e in suite["expectations"])
    assert "duplicated" not in GOLD_RATINGS and "row_number" not in GOLD_RATINGS


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
    from quality.frames import duplicated_keys

    columns = ", ".join(keys)
    with duckdb.connect() as con:
        con.execute(f"create table t ({', '.join(f'{key} integer' for key in keys)})")
        con.executemany(f"insert into t values ({', '.join('?' for _ in keys)})", rows)
        grouped = con.execute(
            f"select count(*) from (select 1 from t group by {columns} having count(*) > 1)"
        ).fetchone()
        assert con.execute(f"select {duplicated_keys('t', keys)}").fetchone() == grouped == (expected,)


def _silver_frame(sql: str) -> pd.DataFrame:
    """A frame's SQL run on a connection that reads silver's Iceberg tables."""
    with duckdb.connect() as con:
        load_extensions(con)
        return con.execute(sql).df()


def test_the_silver_key_report_names_the_entity_whose_keys_repeat(tmp_path: Path) -> None:
    from quality.frames import SILVER_KEYS, key_report

    tables = {entity: pa.table({key: [1, 2] for key in keys}) for entity, keys in SILVER_KEYS.items()}
    # user 1 rated movie 10 twice, and movie 5 once
    tables["ratings"] = pa.table({"user_id": [1, 1, 1], "movielens_movie_id": [10, 10, 5]})
    write_silver_tables(tmp_path, tables)
    frame = _silver_frame(key_report(Lake(str(tmp_path)))).set_index("entity")
    assert frame.loc["ratings", "duplicated_keys"] == 1
    assert frame["duplicated_keys"].drop("ratings").eq(0).all()
    assert frame["entity_with_duplicated_keys"].dropna().tolist() == ["ratings: 1 duplicated keys"]
    assert _failed_columns("silver__entity_keys", frame.reset_index()) == {"entity_with_duplicated_keys"}


def test_the_silver_ratings_suite_fails_on_a_missing_time_and_too_few_resolved_movies(tmp_path: Path) -> None:
    from quality.frames import silver_ratings

    times = [datetime(2020, 1, 1), None, datetime(2020, 1, 2), datetime(2020, 1, 3)]
    ratings = pa.table(
        {
            "rating": [4.0, 0.5, 5.0, 3.0],
            "rated_at": pa.array(times, pa.timestamp("us", tz="UTC")),  # as Spark writes it
            "movie_id": [862, None, None, 8844],
        }
    )
    write_silver_tables(tmp_path, {"ratings": ratings})
    frame = _silver_frame(silver_ratings(Lake(str(tmp_path))))
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

    from quality.context import without_batch_fingerprints

    frame = tmp_path / "frame.parquet"
    pq.write_table(pa.table({"rating": [0.5, 5.0]}), frame)
    spec = PathBatchSpec(path=str(frame), reader_method="read_parquet")
    _, before = PandasExecutionEngine().get_batch_data_and_markers(spec)
    assert "pandas_data_fingerprint" in before  # GX hashes a small batch by default

    without_batch_fingerprints()
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
    from quality.frames import reconciliation

    raw = tmp_path / "raw" / "kaggle" / "ratings"
    # (1, 10) valid; (1, 11) invalid, then valid; (2, 10) never valid; (3, 12) valid; (4, 13) missing.
    _write_parquet(raw, "1.parquet", {"user_id": [1, 1, 2, 3, 4], "movie_id": [10, 11, 10, 12, 13],
                                      "rating": [4.0, 9.0, 7.0, 3.5, None]})  # fmt: skip
    _write_parquet(raw, "2.parquet", {"user_id": [1, 2], "movie_id": [11, 10], "rating": [3.0, 0.0]})
    write_silver_tables(
        tmp_path,
        {
            "ratings": pa.table({"user_id": [1, 1, 3]}),
            "quarantine": pa.table({"entity": ["ratings"] * 4 + ["movies"]}),
        },
    )
    with duckdb.connect() as con:
        load_extensions(con)
        con.execute("attach ':memory:' as warehouse")
        con.execute("create schema warehouse.marts")
        con.execute(f"create table warehouse.marts.fct_ratings as select * from range({fct_rows})")
        sql = reconciliation(Lake(str(tmp_path)))
        frame = con.execute(sql).df()
    # quality.runner puts the mart's count from a Trino target in place of this exact text.
    assert "(select count(*) from warehouse.marts.fct_ratings)" in sql
    assert frame.drop(columns="unreconciled").to_dict("records") == [
        {"raw_rating_keys": 5, "quarantined_only_keys": 2, "quarantined_rows": 4, "silver_ratings": 3,
         "fct_ratings": fct_rows}
    ]  # fmt: skip
    assert frame["unreconciled"].dropna().tolist() == ([unreconciled] if unreconciled else [])
    assert _failed_columns("gold__reconciliation", frame) == ({"unreconciled"} if unreconciled else set())


RAW_RATINGS_LOAD = {  # user_id, movie_id, rating, timestamp of the latest load
    "valid": (1, 10, 4.0, 100),
    "no user": (None, 11, 3.0, 101),
    "rating 7": (2, 12, 7.0, 102),
    "rating 0": (3, 13, 0.0, 103),
    "no time": (4, 14, 2.0, None),
    "no rating": (5, 15, None, 104),  # between passes a null, as GX does; no check asks for a rating
    "valid too": (6, 16, 5.0, 105),
}


def _raw_ratings_lake(root: Path, rows: list[tuple[Any, ...]]) -> str:
    """raw/kaggle/ratings with an older load (a bad rating of its own) and `rows` as the latest load."""
    names = ("user_id", "movie_id", "rating", "timestamp")
    folder = root / "raw" / "kaggle" / "ratings"
    older = {**dict(zip(names, ([9], [90], [9.0], [1]), strict=True)), "_dlt_load_id": ["1700000000.1"]}
    _write_parquet(folder, "1700000000.1.a.parquet", older)
    latest = {name: pa.array([row[i] for row in rows], type=pa.float64() if name == "rating" else pa.int64())
              for i, name in enumerate(names)}  # fmt: skip
    latest["_dlt_load_id"] = pa.array(["1700000001.1"] * len(rows), type=pa.string())
    _write_parquet(folder, "1700000001.1.b.parquet", latest)
    return str(root)


def test_the_raw_ratings_frame_is_the_delivery_count_and_the_rows_each_check_fails(tmp_path: Path) -> None:
    """The 26M-row raw ratings load is checked as one `delivery` row and its offending rows: each row
    check fails on the same values as on the whole load, and the row count is the load's."""
    from quality.frames import raw_latest
    from quality.suites import load_suite, offending_rows

    lake = _raw_ratings_lake(tmp_path, list(RAW_RATINGS_LOAD.values()))
    suite = load_suite(GX_DIR, "raw", "kaggle_ratings")
    frame = duckdb.sql(offending_rows(raw_latest(lake, "kaggle", "ratings"), suite)).df()

    assert frame.columns.tolist() == ["kind", "row_count", "user_id", "movie_id", "rating", "timestamp"]
    delivery = frame[frame["kind"] == "delivery"]
    assert delivery["row_count"].tolist() == [7]  # the latest load only
    offending = frame.loc[frame["kind"] == "offending", "movie_id"].astype("Int64")
    assert sorted(offending.tolist()) == [11, 12, 13, 14]  # not the null rating, not load 1

    in_bounds = {"kaggle_ratings_min_rows": 5, "kaggle_ratings_max_rows": 9}
    failed = _validate(suite, frame, in_bounds)
    whole = duckdb.sql(raw_latest(lake, "kaggle", "ratings")).df()
    unconditioned = {  # the suite's row checks, each on every row of the load
        "expectations": [
            {"type": e["type"], "kwargs": {k: v for k, v in e["kwargs"].items() if k != "row_condition"}}
            for e in suite["expectations"]
            if e["kwargs"].get("row_condition", {}).get("parameter") == "offending"
        ]
    }  # fmt: skip
    assert failed == _validate(unconditioned, whole, in_bounds)  # the same checks on every row
    assert failed["expect_column_values_to_be_between(rating)"] == [0.0, 7.0]
    assert set(failed) == {
        "expect_column_values_to_not_be_null(user_id)",
        "expect_column_values_to_not_be_null(timestamp)",
        "expect_column_values_to_be_between(rating)",
    }
    too_few = _validate(suite, frame, {"kaggle_ratings_min_rows": 8, "kaggle_ratings_max_rows": 9})
    assert too_few["expect_column_values_to_be_between(row_count)"] == [7]


def test_an_empty_raw_ratings_load_still_reports_its_row_count(tmp_path: Path) -> None:
    from quality.frames import raw_latest
    from quality.suites import load_suite, offending_rows

    folder = tmp_path / "raw" / "kaggle" / "ratings"
    schema = pa.schema([("user_id", pa.int64()), ("movie_id", pa.int64()), ("rating", pa.float64()),
                        ("timestamp", pa.int64()), ("_dlt_load_id", pa.string())])  # fmt: skip
    folder.mkdir(parents=True)
    pq.write_table(schema.empty_table(), folder / "1700000001.1.b.parquet")
    suite = load_suite(GX_DIR, "raw", "kaggle_ratings")
    frame = duckdb.sql(offending_rows(raw_latest(str(tmp_path), "kaggle", "ratings"), suite)).df()
    assert frame[["kind", "row_count"]].to_dict("records") == [{"kind": "delivery", "row_count": 0}]
    failed = _validate(suite, frame, {"kaggle_ratings_min_rows": 1, "kaggle_ratings_max_rows": None})
    assert failed == {"expect_column_values_to_be_between(row_count)": [0]}


OFFENDING_ROWS = {
    "type": "comparison",
    "column": {"name": "kind"},
    "operator": "==",
    "parameter": "offending",
}


def _suite_with(expectation: dict[str, Any]) -> dict[str, Any]:
    return {"name": "raw__t", "expectations": [expectation]}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"column": "rating", "min_value": 0.5, "max_value": 5.0},  # no row_condition: a row-by-row check
        {"column": "rating", "min_value": 0.5, "mostly": 0.9, "row_condition": OFFENDING_ROWS},
        {"column": "rating", "min_value": 0.5, "strict_min": True, "row_condition": OFFENDING_ROWS},
        {"column": "rating", "min_value": {"$PARAMETER": "low"}, "row_condition": OFFENDING_ROWS},
        {"column": "rating", "row_condition": OFFENDING_ROWS},
    ],
    ids=["no row condition", "mostly", "strict bound", "parameterised bound", "no bound"],
)
def test_a_suite_check_the_offending_rows_cannot_answer_is_an_error_not_a_weaker_check(
    kwargs: dict[str, Any],
) -> None:
    from quality.suites import offending_rows

    with pytest.raises(ValueError, match=r"offending rows|no bound"):
        offending_rows(
            "select 1 as rating",
            _suite_with({"type": "expect_column_values_to_be_between", "kwargs": kwargs}),
        )
    unknown = {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "rating", "value_set": [1],
               "row_condition": OFFENDING_ROWS}}  # fmt: skip
    with pytest.raises(ValueError, match="cannot be checked"):
        offending_rows("select 1 as rating", _suite_with(unknown))


def _validated_pages(site: Path, suite: str) -> dict[str, Path]:
    return {page.parent.name: page for page in (site / "validations" / suite).rglob("*.html")}


def test_a_run_checking_some_raw_tables_renders_only_its_own_data_docs_pages(tmp_path: Path) -> None:
    """Without the API sources, raw is validated table by table (not by the layer's checkpoint):
    its Data Docs pages are rendered for this run's results, not again for every stored result."""
    from contextlib import chdir

    from quality.context import FRAMES_DIR, open_context
    from quality.runner import data_docs_index, run_checks

    gx_dir = tmp_path / "gx"
    shutil.copytree(GX_DIR, gx_dir, ignore=shutil.ignore_patterns("uncommitted"))
    months = [datetime(2020, month, 1) for month in (1, 2, 3)]
    frame = {"month": months, "cpiaucsl": [258.7, 259.0, 258.1], "month_gap": [None, None, None]}
    _write_parquet(gx_dir / FRAMES_DIR / "raw", "fred_cpiaucsl.parquet", frame)
    context = open_context(tmp_path)
    site = data_docs_index(tmp_path).parent
    parameters = {"fred_cpiaucsl_min_rows": 1, "fred_cpiaucsl_max_rows": None}

    with chdir(context.root_directory):
        (first,) = run_checks(context, "raw", ["fred_cpiaucsl"], parameters)
        ((earlier_run, earlier_page),) = _validated_pages(site, "raw__fred_cpiaucsl").items()
        earlier_page.write_text("rendered by the first run", encoding="utf-8")  # a rebuild overwrites it
        (second,) = run_checks(context, "raw", ["fred_cpiaucsl"], parameters)

    assert first.success and second.success
    pages = _validated_pages(site, "raw__fred_cpiaucsl")
    assert len(pages) == 2 and earlier_run in pages
    assert earlier_page.read_text(encoding="utf-8") == "rendered by the first run"
    (this_run,) = set(pages) - {earlier_run}
    assert "raw__fred_cpiaucsl" in pages[this_run].read_text(encoding="utf-8")
    assert (site / "expectations" / "raw__fred_cpiaucsl.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert earlier_run in index and this_run in index  # the index lists every page on the site


def test_a_changed_frame_template_makes_its_layer_check_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The skip-unchanged key of a layer's checks covers the SQL its frames are rendered from.
    templates = tmp_path / "sql"
    shutil.copytree(suites.SQL_DIR, templates)
    monkeypatch.setattr(suites, "SQL_DIR", templates)
    before = {layer: suites.suites_digest(GX_DIR, layer) for layer in ("raw", "silver", "gold")}
    freshness = templates / "gold" / "freshness.sql"
    freshness.write_text(freshness.read_text() + "\n-- changed\n")
    after = {layer: suites.suites_digest(GX_DIR, layer) for layer in ("raw", "silver", "gold")}
    assert [layer for layer in before if before[layer] != after[layer]] == ["gold"]
    shared = templates / "macros.sql"
    shared.write_text(shared.read_text() + "\n{# changed #}\n")
    assert all(suites.suites_digest(GX_DIR, layer) != after[layer] for layer in after)
