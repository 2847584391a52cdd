"""Which OMDb ids a run asks for: MovieLens rating counts per IMDb id, and the run's plan from state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from extract.omdb.priority import rating_counts
from extract.omdb.refresh import budget_left, migrate, plan, record_spent, refresh_cutoff, timestamp
from tests.extract.rating_inputs import write_links, write_ratings

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


# --- rating counts ------------------------------------------------------------------------------


def test_rating_counts_come_from_the_newest_ratings_load_joined_to_links(tmp_path: Path) -> None:
    files = write_links(tmp_path / "files", [("1", "0114709"), ("2", "113497"), ("3", "12345678"),
                                             ("4", ""), ("5", "0114709"), ("6", "0000006")])  # fmt: skip
    lake = tmp_path / "lake"
    write_ratings(lake, "1700000000.1", [6] * 50)  # an earlier delivery: not read
    write_ratings(lake, "1700000500.2", [1, 1, 2, 3, 3, 3, 4, 5, 7, None])

    counts = rating_counts(str(lake), str(files))

    # movies 1 and 5 both link to tt0114709; 4 has no IMDb id; 7 has no link; 6 has no newest rating
    assert counts == {"tt0114709": 3, "tt0113497": 1, "tt12345678": 3}


def test_rating_counts_without_ratings_links_or_files_dir_are_empty(tmp_path: Path) -> None:
    files = write_links(tmp_path / "files", [("1", "0114709")])
    write_ratings(tmp_path / "rated", "1700000000.1", [1])

    assert rating_counts(str(tmp_path / "no_lake"), str(files)) == {}
    assert rating_counts(str(tmp_path / "rated"), str(tmp_path / "no_files")) == {}
    assert rating_counts(str(tmp_path / "rated"), None) == {}
    assert rating_counts(str(tmp_path / "rated"), str(files)) == {"tt0114709": 1}


def test_unreadable_ratings_give_no_counts_and_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = write_links(tmp_path / "files", [("1", "0114709")])
    folder = tmp_path / "lake" / "raw" / "kaggle" / "ratings"
    folder.mkdir(parents=True)
    (folder / "1700000000.1.a1b2c3.parquet").write_bytes(b"not parquet")

    assert rating_counts(str(tmp_path / "lake"), str(files)) == {}
    assert "refreshed by id" in caplog.text


# --- the plan: new ids, then stale ones by priority, within the day's budget --------------------


def stamps(days_ago: dict[str, int | None]) -> dict[str, str | None]:
    return {
        key: None if age is None else timestamp(NOW - timedelta(days=age)) for key, age in days_ago.items()
    }


def test_new_ids_first_then_stale_ones_unknown_age_first_then_most_rated() -> None:
    loaded = stamps({"tt01": 40, "tt02": 31, "tt03": 29, "tt04": None, "tt05": 90, "tt06": None})
    counts = {"tt01": 5, "tt02": 9, "tt03": 99, "tt04": 1, "tt05": 5, "tt06": 7}

    todo = plan(["tt09", "tt01", "tt02", "tt03", "tt04", "tt05", "tt06", "tt07", "tt08"], loaded,
                ["tt08"], refresh_cutoff(NOW, 30), None, lambda: counts)  # fmt: skip

    assert todo.new == ["tt09", "tt07"]  # in the order given; tt08 is not found, never asked again
    assert todo.stale == ["tt06", "tt04", "tt02", "tt01", "tt05"]  # tt03 is 29 days old: fresh
    assert todo.stale_waiting == 5


def test_refresh_off_asks_only_new_ids_and_reads_no_counts() -> None:
    loaded = stamps({"tt01": 400, "tt02": None})

    def no_scan() -> dict[str, int]:
        raise AssertionError("rating counts read with nothing stale to order")

    for days in (None, 0):
        todo = plan(["tt01", "tt02", "tt03"], loaded, [], refresh_cutoff(NOW, days), None, no_scan)
        assert (todo.new, todo.stale, todo.stale_waiting) == (["tt03"], [], 0)


def test_budget_cuts_new_ids_first_and_spares_the_scan_when_none_is_left_for_stale() -> None:
    loaded = stamps({"tt01": 40, "tt02": 40, "tt03": 40})
    calls: list[int] = []

    def counts() -> dict[str, int]:
        calls.append(1)
        return {"tt03": 3, "tt02": 2}

    ids, cutoff = ["tt01", "tt02", "tt03", "tt04", "tt05"], refresh_cutoff(NOW, 30)
    spent = plan(ids, loaded, [], cutoff, 2, counts)
    scans_then = len(calls)
    some = plan(ids, loaded, [], cutoff, 4, counts)

    assert (spent.ids, spent.stale_waiting, scans_then) == (["tt04", "tt05"], 3, 0)
    assert (some.ids, len(calls)) == (["tt04", "tt05", "tt03", "tt02"], 1)


def test_old_state_migrates_to_unknown_age() -> None:
    state = {"loaded_ids": ["tt01", "tt02"], "not_found_ids": ["tt09"]}

    loaded_at, missing = migrate(state)

    assert state == {"loaded_at": {"tt01": None, "tt02": None}, "not_found_ids": ["tt09"]}
    assert (loaded_at, missing) == ({"tt01": None, "tt02": None}, ["tt09"])
    assert migrate(state) == (loaded_at, missing)  # a second look changes nothing


def test_daily_quota_counts_the_requests_of_the_day_across_runs() -> None:
    state: dict[str, object] = {}

    assert budget_left(state, None, "2030-06-01") is None
    record_spent(state, "2030-06-01", 7)
    record_spent(state, "2030-06-01", 2)
    assert budget_left(state, 10, "2030-06-01") == 1
    assert budget_left(state, 5, "2030-06-01") == 0
    assert budget_left(state, 10, "2030-06-02") == 10  # a new day
    record_spent(state, "2030-06-02", 3)
    assert state["quota_day"] == {"day": "2030-06-02", "asked": 3}
