"""The run report renders what each stage counted, in markdown and JSON."""

from __future__ import annotations

import json

from flows.report import RunReport


def _report() -> RunReport:
    return RunReport(
        started_at="2026-11-22T00:00:00+00:00",
        parameters={"target": "duckdb"},
        loads=[
            {
                "dataset": "kaggle",
                "load_ids": ["1"],
                "rows": {"ratings": 100_004, "quarantine": 3},
                "read": 100_007,
                "skipped": 0,
                "unaccounted": 0,
            },
            {
                "dataset": "tmdb",
                "load_ids": ["2"],
                "rows": {"movies": 40, "quarantine": 2},
                "read": 45,
                "skipped": 3,
                "unaccounted": 0,
            },
        ],
        silver={
            "base_month": "2026-08-01",
            "rows": {"movies": 17_470, "ratings": 100_004},
            "published": {"movies": "full", "ratings": "appended"},
            "quarantined_by_reason": {"raw/ratings: expected 4 fields, found 2": 3},
            "crosswalk_conflicts": {"imdb_id": 2},
            "unmatched": {"movielens_movie_id": 1_617},
        },
        quality={
            "raw": {
                "evaluated": 16,
                "warnings": ["raw.kaggle_ratings: expect_x(rating) [warning]"],
                "critical": [],
            }
        },
        quarantine=[
            {
                "layer": "silver",
                "source_name": "kaggle",
                "entity": "ratings",
                "reason": "rating outside [0.5, 5.0]",
                "row_count": 7,
            }
        ],
        resolution=[
            {
                "source_pair": "imdb_to_omdb",
                "from_source": "IMDb",
                "to_source": "OMDb",
                "from_count": 17_400,
                "resolved_count": 15_225,
                "resolution_rate": 0.875,
            },
            {
                "source_pair": "imdb_to_yts",
                "from_source": "IMDb",
                "to_source": "YTS",
                "from_count": 0,
                "resolved_count": 0,
                "resolution_rate": None,
            },
        ],
        dbt={"command": "build", "statuses": {"success": 15, "pass": 62}, "warned": []},
        durations_s={"extract": 1.26},
        paths={"warehouse": "/x/warehouse.duckdb"},
    )


def test_markdown_carries_every_count():
    markdown = _report().to_markdown()
    assert "| kaggle | ratings | 100004 |" in markdown
    assert "| raw/ratings: expected 4 fields, found 2 | 3 |" in markdown
    assert "| conflict: imdb_id | 2 |" in markdown
    assert "| movies | 17470 | full |" in markdown
    assert "| ratings | 100004 | appended |" in markdown
    assert "| unmatched: movielens_movie_id | 1617 |" in markdown
    assert "| raw | 16 | 1 | 0 |" in markdown
    assert "dbt: pass 62, success 15" in markdown
    assert "| extract | 1.3 |" in markdown
    assert "- warehouse: [`/x/warehouse.duckdb`](file:///x/warehouse.duckdb)" in markdown
    assert "| silver | kaggle | ratings | rating outside [0.5, 5.0] | 7 |" in markdown
    assert "- warnings: raw.kaggle_ratings: expect_x(rating) [warning]" in markdown
    assert "FAILED" not in markdown


def test_a_failed_run_says_where_it_stopped():
    report = _report()
    report.failure = "stage validate raw: 1 critical expectation(s) failed in layer raw"
    assert "**FAILED** at stage validate raw: 1 critical" in report.to_markdown()


def test_unchanged_sources_are_said_plainly():
    report = _report()
    report.loads = [{"dataset": "kaggle", "load_ids": [], "rows": {}}]
    assert "nothing appended" in report.to_markdown()


def test_write_produces_markdown_and_json(tmp_path):
    markdown, data = _report().write(tmp_path / "reports")
    assert markdown.read_text().startswith("# Movie warehouse run (2026-11-22")
    assert json.loads(data.read_text())["silver"]["rows"] == {"movies": 17_470, "ratings": 100_004}


def test_the_totals_say_read_equals_loaded_plus_quarantined_plus_skipped():
    markdown = _report().to_markdown()
    assert "| dataset | read | loaded | quarantined | skipped | unaccounted |" in markdown
    assert "| kaggle | 100007 | 100004 | 3 | 0 | 0 |" in markdown
    assert "| tmdb | 45 | 40 | 2 | 3 | 0 |" in markdown


def test_records_lost_between_files_and_raw_fail_the_run_naming_the_source():
    import pytest

    from flows.pipeline import DataLossError, check_totals

    check_totals([{"dataset": "kaggle", "read": 10, "unaccounted": 0}, {"dataset": "omdb", "read": None}])
    with pytest.raises(DataLossError, match=r"kaggle: read 12, loaded \+ quarantined \+ skipped 10"):
        check_totals([{"dataset": "kaggle", "read": 12, "unaccounted": 2}])


def test_a_stage_that_did_not_run_is_listed_with_why_and_counted_nowhere():
    report = _report()
    report.quality = {}
    assert report.skipped_stage("validate silver", {"not_run": "nothing new since its last run"})
    assert not report.skipped_stage("validate raw", {"evaluated": 3, "not_run": None})
    report.dbt = {"statuses": {}}
    markdown = report.to_markdown()
    assert "| validate silver | skipped: nothing new since its last run |" in markdown
    assert "validate raw" not in markdown
    assert "dbt: built nothing" in markdown


def test_resolution_rates_are_a_table_of_source_pairs():
    markdown = _report().to_markdown()
    assert "## Entity resolution (`marts.rpt_entity_resolution`)" in markdown
    assert "| IMDb | OMDb | 17400 | 15225 | 87.5% |" in markdown
    assert "| IMDb | YTS | 0 | 0 | - |" in markdown  # nothing to resolve: no rate
