"""OMDb, TMDB and YTS sources against the replay server: shapes, faults, quota, incremental state."""

from __future__ import annotations

import json
import shutil
import socket
import struct
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from extract.pipelines import ApiTarget, LoadSummary, run_api_sources, run_source
from extract.rest import ApiClient, HttpLimits, RateLimiter
from extract.rest.client import retry_after_seconds
from extract.yts import yts_source
from sample.replay import Faults, ReplayServer
from sample.replay.catalog import tmdb_detail, yts_movie
from tests.extract.api_fakes import Api, imdb_id, kaggle_row, omdb_record, raw_columns, write_sample

pytestmark = pytest.mark.slow
FILMS = 45  # 3 TMDB discover pages of 20; one YTS page of 50 (or 5 pages of 10)
IDS = [imdb_id(number) for number in range(FILMS)]
TMDB_IDS = [str(1000000 + number) for number in range(FILMS)]  # raw text, as every API column


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    sample = write_sample(tmp_path / "sample", FILMS)
    with ReplayServer.from_sample(sample) as server:
        yield Api(server, tmp_path / "lake", tmp_path / "pipelines")


def load(api: Api, name: str, ids: list[str] = IDS, workers: int = 4) -> LoadSummary:
    url = api.server.url
    target = ApiTarget(f"{url}/", f"{url}/3", f"{url}/api/v2", "key", "token", 0.0, workers)
    return run_api_sources(target, ids, str(api.lake), api.pipelines, (name,))[0]


def load_yts_pages(api: Api, page_size: int) -> LoadSummary:
    counts: Counter[str] = Counter()
    source = yts_source(base_url=f"{api.server.url}/api/v2", requests_per_second=0.0, max_workers=2,
                        page_size=page_size, counts=counts)  # fmt: skip
    return run_source(source, str(api.lake), api.pipelines, counts)


def today() -> str:
    return datetime.now(UTC).date().isoformat()


# --- the replay server speaks the real protocols ------------------------------------------------


def test_replay_server_answers_in_each_api_shape(api: Api) -> None:
    url = api.server.url

    assert requests.get(f"{url}/?i={IDS[3]}&apikey=k", timeout=5).json() == omdb_record(3)
    assert requests.get(f"{url}/?i=tt9999999&apikey=k", timeout=5).json() == {
        "Response": "False",
        "Error": "Movie not found!",
    }
    page = requests.get(f"{url}/3/discover/movie?page=3", timeout=5).json()
    assert (page["page"], page["total_pages"], page["total_results"], len(page["results"])) == (3, 3, 45, 5)
    assert requests.get(f"{url}/3/discover/movie?page=501", timeout=5).status_code == 400
    detail = requests.get(f"{url}/3/movie/1000007", timeout=5).json()
    assert detail["genres"] == [{"id": 18, "name": "Drama"}, {"id": None, "name": "Biography"}]
    assert (detail["budget"], detail["runtime"], detail["imdb_id"]) == (7000, 87, IDS[7])
    assert detail["credits"]["cast"] == [{"name": "A", "order": None}]
    assert requests.get(f"{url}/3/movie/42", timeout=5).status_code == 404
    yts = requests.get(f"{url}/api/v2/list_movies.json?page=1&limit=50", timeout=5).json()
    assert yts["status"] == "ok"
    assert (yts["data"]["movie_count"], yts["data"]["limit"], len(yts["data"]["movies"])) == (45, 50, 45)
    newest = yts["data"]["movies"][0]
    assert (newest["date_uploaded"], newest["torrents"], newest["rating"]) == (
        "1994-03-17 00:00:00",
        [],
        None,
    )
    beyond = requests.get(f"{url}/api/v2/list_movies.json?page=2&limit=50", timeout=5).json()
    assert "movies" not in beyond["data"]


def test_a_client_gone_mid_request_prints_nothing_and_the_server_serves_on(
    api: Api, capfd: pytest.CaptureFixture[str]
) -> None:
    host, port = api.server.url.removeprefix("http://").split(":")
    for _ in range(3):  # as a run killed -9 mid-request leaves it: the connection reset, not closed
        client = socket.create_connection((host, int(port)))
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.sendall(b"GET /3/movie/1000007 HT")
        client.close()
    assert requests.get(f"{api.server.url}/3/movie/1000007", timeout=5).json()["imdb_id"] == IDS[7]
    time.sleep(0.5)  # the server's threads have met the resets
    assert "Traceback" not in capfd.readouterr().err


def test_omdb_quota_answers_401_with_the_limit_error(api: Api) -> None:
    api.faults.omdb_quota = 1
    url = api.server.url

    assert requests.get(f"{url}/?i={IDS[0]}&apikey=k", timeout=5).status_code == 200
    refused = requests.get(f"{url}/?i={IDS[1]}&apikey=k", timeout=5)
    assert (refused.status_code, refused.json()["Error"]) == (401, "Request limit reached!")


# --- raw shapes ---------------------------------------------------------------------------------


def test_each_source_lands_one_row_per_record_as_sent(api: Api) -> None:
    omdb, tmdb, yts = (load(api, name) for name in ("omdb", "tmdb", "yts"))

    assert (omdb.rows, tmdb.rows, yts.rows) == ({"movies": 45}, {"movies": 45}, {"movies": 45})
    assert api.rows("omdb", "movies", "imdb_id, year, imdb_rating, box_office, ratings", "imdb_id")[2] == (
        IDS[2], "1952", "N/A", "N/A", '[{"Source":"Rotten Tomatoes","Value":"2%"}]'
    )  # fmt: skip
    movie = api.rows("tmdb", "movies", "id, imdb_id, budget, runtime, genres, credits, keywords", "id")[7]
    assert movie[:4] == ("1000007", IDS[7], "7000", "87")  # every API column is text (extract/rest/tables.py)
    assert json.loads(movie[4]) == [{"id": 18, "name": "Drama"}, {"id": None, "name": "Biography"}]
    assert json.loads(movie[5]) == {"id": 1000007, "cast": [{"name": "A", "order": None}], "crew": []}
    assert json.loads(movie[6]) == {"id": 1000007, "keywords": []}
    assert api.rows("tmdb", "movies", "count(belongs_to_collection), count(*)") == [(0, 45)]
    assert api.rows("yts", "movies", "id, imdb_code, year, date_uploaded, genres, torrents", "id")[0] == (
        "1000000", IDS[0], "1950", "1950-03-01 00:00:00", '["Drama","Comedy"]', "[]"
    )  # fmt: skip
    # The sample sends no field the sources do not declare.
    assert (omdb.new_columns, tmdb.new_columns, yts.new_columns) == ({}, {}, {})


# --- faults -------------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_and_rows_are_complete(api: Api) -> None:
    api.faults.throttle, api.faults.retry_after_s = 3, 1

    summary = load(api, "omdb")

    assert summary.rows == {"movies": 45}
    assert summary.counts["retries"] == 3
    assert api.server.hits[("/", "429")] == 3
    assert [row[0] for row in api.rows("omdb", "movies", "imdb_id", "imdb_id")] == IDS


def test_the_client_waits_the_retry_after_seconds_not_its_own_shorter_backoff(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.faults.throttle, api.faults.retry_after_s = 2, 3
    waits: list[float] = []
    monkeypatch.setattr("extract.rest.client.time.sleep", waits.append)
    client = ApiClient(f"{api.server.url}/3", HttpLimits(requests_per_second=0.0, backoff_base_s=0.001))

    response = client.get("/movie/1000007")

    assert response.json()["id"] == 1000007
    assert waits == [3.0, 3.0]  # the backoff alone would have waited at most a millisecond or two
    assert api.server.hits[("/3/movie/{id}", "429")] == 2


def test_a_retry_after_http_date_is_waited_until_that_time(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    api.faults.throttle, api.faults.retry_after_s, api.faults.retry_after_as_date = 1, 4, True
    waits: list[float] = []
    monkeypatch.setattr("extract.rest.client.time.sleep", waits.append)
    client = ApiClient(f"{api.server.url}/3", HttpLimits(requests_per_second=0.0, backoff_base_s=0.001))

    response = client.get("/movie/1000007")

    assert response.json()["id"] == 1000007
    assert len(waits) == 1 and 2.0 <= waits[0] <= 4.0  # the date has a one-second resolution
    assert api.server.hits[("/3/movie/{id}", "429")] == 1


def test_a_retry_after_beyond_the_cap_waits_the_cap(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    api.faults.throttle, api.faults.retry_after_s = 1, 86_400
    waits: list[float] = []
    monkeypatch.setattr("extract.rest.client.time.sleep", waits.append)
    limits = HttpLimits(requests_per_second=0.0, backoff_base_s=0.001, retry_after_max_s=7.0)

    response = ApiClient(f"{api.server.url}/3", limits).get("/movie/1000007")

    assert response.json()["id"] == 1000007
    assert waits == [7.0]


def test_retry_after_zero_still_backs_off(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    api.faults.throttle, api.faults.retry_after_s = 3, 0
    waits: list[float] = []
    monkeypatch.setattr("extract.rest.client.time.sleep", waits.append)
    limits = HttpLimits(requests_per_second=0.0, backoff_base_s=0.2, backoff_max_s=10.0)

    ApiClient(f"{api.server.url}/3", limits).get("/movie/1000007")

    # At least half of each exponential step (0.2, 0.4, 0.8 s) is waited: no busy loop.
    assert len(waits) == 3
    assert all(wait >= step / 2 for wait, step in zip(waits, (0.2, 0.4, 0.8), strict=True))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), ("0", 0.0), ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
     ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0), ("soon", None), ("", None)],
)  # fmt: skip
def test_retry_after_is_read_as_seconds_or_as_an_http_date(header: str, seconds: float | None) -> None:
    response = requests.Response()
    if header:
        response.headers["Retry-After"] = header
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)

    assert retry_after_seconds(response, now) == seconds


def test_server_errors_and_resets_are_retried(api: Api) -> None:
    api.faults.errors, api.faults.resets = [500, 502, 503], 1

    summary = load(api, "tmdb")

    assert summary.rows == {"movies": 45}
    assert summary.counts["retries"] == 4
    assert [row[0] for row in api.rows("tmdb", "movies", "id", "id")] == TMDB_IDS


def test_slow_answers_time_out_and_are_retried(api: Api) -> None:
    api.faults.slow, api.faults.slow_s = 2, 1.5
    limits = HttpLimits(requests_per_second=0.0, max_workers=1, backoff_base_s=0.01, timeout_s=0.5)
    client = ApiClient(f"{api.server.url}/3", limits)

    response = client.get("/movie/1000007")

    assert response.json()["id"] == 1000007
    assert client.retries == 2
    assert api.server.hits[("/3/movie/{id}", "ok")] == 3  # two answered too late, the third in time


def test_invalid_json_page_is_quarantined_and_other_pages_load(api: Api) -> None:
    api.faults.invalid_pages = frozenset({2})

    summary = load_yts_pages(api, page_size=10)

    assert summary.rows == {"movies": 35, "quarantine": 1}
    columns = "source_file, position, raw_value, reason"
    (source_file, position, raw_value, reason) = api.rows("yts", "quarantine", columns)[0]
    assert (source_file, position) == ("/list_movies.json", "page 2")
    assert reason.startswith("invalid JSON")
    assert raw_value.startswith('{"status": "ok"')


def test_empty_page_inside_the_listing_is_quarantined(api: Api) -> None:
    api.faults.empty_pages = frozenset({3})

    summary = load(api, "tmdb")

    assert summary.rows == {"movies": 40, "quarantine": 1}
    assert api.rows("tmdb", "quarantine", "position, reason") == [
        ("sort_by=primary_release_date.asc primary_release_date.gte=1874-01-01 "
         "primary_release_date.lte=2100-12-31 page=3", "empty page inside the listing")
    ]  # fmt: skip


def test_invalid_detail_and_missing_id_are_quarantined(api: Api) -> None:
    api.faults.invalid_ids = frozenset({"1000004"})
    api.catalog.tmdb[1000006] = {"detail": {"title": "no id", "release_date": "1956-03-07"}}

    summary = load(api, "tmdb")

    assert summary.rows == {"movies": 43, "quarantine": 2}
    quarantined = api.rows("tmdb", "quarantine", "source_file, position, reason", "position")
    assert [row[:2] for row in quarantined] == [("/movie/{id}", "1000004"), ("/movie/{id}", "1000006")]
    assert quarantined[0][2].startswith("invalid JSON")
    assert quarantined[1][2] == "id: missing value"


def test_not_found_ids_are_counted_skipped_and_not_asked_again(api: Api) -> None:
    first = load(api, "omdb", [*IDS[:5], "tt9999999"])
    again = load(api, "omdb", [*IDS[:5], "tt9999999"])

    assert first.rows == {"movies": 5}
    assert first.counts["not_found"] == 1
    assert (again.rows, again.load_ids) == ({}, ())
    assert api.server.hits[("/", "ok")] == 6


def test_tmdb_404_from_the_changes_list_is_counted_and_skipped(api: Api) -> None:
    load(api, "tmdb")
    api.catalog.tmdb_changes.append((today(), 4242))

    summary = load(api, "tmdb")

    assert summary.counts["not_found"] == 1
    assert summary.rows == {}


# --- schema drift: the contract every API source states (extract/rest/tables.py) ----------------


def test_a_new_api_field_lands_as_a_reported_text_column(api: Api) -> None:
    first = {**api.catalog.tmdb_movie(1000003), "age_rating": 12}
    first["external_ids"] = {**first["external_ids"], "tiktok_id": "film3"}  # a new nested field
    api.catalog.tmdb_put(first, today())
    loaded = load(api, "tmdb")
    api.catalog.tmdb_put({**api.catalog.tmdb_movie(1000004), "age_rating": "PG-13"}, today())

    again = load(api, "tmdb")

    assert (loaded.rows, loaded.new_columns) == ({"movies": 45}, {"movies": ["age_rating"]})
    assert (again.rows, again.new_columns) == ({"movies": 1}, {})  # a string now: no variant, no failure
    rated = api.rows("tmdb", "movies", "id, age_rating", "id")
    assert [row for row in rated if row[1] is not None] == [("1000003", "12"), ("1000004", "PG-13")]
    external = api.rows("tmdb", "movies", "external_ids", "id")[3][0]
    assert json.loads(external)["tiktok_id"] == "film3"  # kept inside its object's JSON text
    assert [name for name in raw_columns(api.lake, "tmdb", "movies") if "__v_" in name] == []


@pytest.mark.parametrize(
    ("name", "field", "value", "column"),
    [("omdb", "totalSeasons", 3, "total_seasons"), ("yts", "rating_count", {"imdb": 10}, "rating_count")],
)
def test_a_field_omdb_or_yts_adds_lands_as_a_reported_text_column(
    api: Api, name: str, field: str, value: object, column: str
) -> None:
    if name == "omdb":
        api.catalog.omdb_put({**omdb_record(3), field: value})
    else:
        api.catalog.yts[0][field] = value

    summary = load(api, name)

    assert summary.new_columns == {"movies": [column]}
    assert [row[0] for row in api.rows(name, "movies", column) if row[0] is not None] == [
        json.dumps(value, separators=(",", ":"))  # compact JSON text, as dlt writes it
    ]


# --- OMDb quota: partial load, then resume ------------------------------------------------------


def test_omdb_quota_stops_cleanly_and_the_next_run_loads_exactly_the_rest(api: Api) -> None:
    api.faults.omdb_quota = 10

    first = load(api, "omdb", workers=1)
    api.faults.reset_quota()
    second = load(api, "omdb", workers=1)

    assert (first.rows, first.counts["quota"]) == ({"movies": 10}, 1)
    assert second.rows == {"movies": 35}
    loaded = api.rows("omdb", "movies", "imdb_id, _dlt_load_id", "imdb_id")
    assert [row[0] for row in loaded] == IDS
    assert {row[1] for row in loaded[:10]} == set(first.load_ids)
    assert {row[1] for row in loaded[10:]} == set(second.load_ids)


# --- incremental --------------------------------------------------------------------------------


def test_second_run_loads_nothing_new(api: Api) -> None:
    for name in ("omdb", "tmdb", "yts"):
        load(api, name)
    files = sorted(api.lake.rglob("*.parquet"))

    again = [load(api, name) for name in ("omdb", "tmdb", "yts")]

    assert [(summary.rows, summary.load_ids) for summary in again] == [({}, ())] * 3
    assert sorted(api.lake.rglob("*.parquet")) == files


def test_new_and_changed_records_are_loaded_exactly(api: Api) -> None:
    for name in ("omdb", "tmdb", "yts"):
        load(api, name)
    new = omdb_record(100)
    api.catalog.omdb_put(new)
    api.catalog.tmdb_put({**tmdb_detail(kaggle_row(100), None)}, today())
    api.catalog.tmdb_put({**api.catalog.tmdb_movie(1000003), "budget": 123}, today())
    api.catalog.tmdb_put(api.catalog.tmdb_movie(1000004), today())  # listed, but unchanged
    api.catalog.yts_put({**yts_movie(new), "date_uploaded": "2030-01-01 00:00:00"})

    omdb, tmdb, yts = load(api, "omdb", [*IDS, new["imdbID"]]), load(api, "tmdb"), load(api, "yts")

    assert (omdb.rows, tmdb.rows, yts.rows) == ({"movies": 1}, {"movies": 2}, {"movies": 1})
    latest = api.rows("tmdb", "movies", "id, budget", "_dlt_load_id desc, id")[:2]
    assert latest == [("1000003", "123"), ("1000100", "100000")]
    assert api.rows("yts", "movies", "imdb_code", "date_uploaded desc")[0] == (new["imdbID"],)


def test_wiped_pipeline_dir_restores_state_from_the_lake(api: Api) -> None:
    for name in ("omdb", "tmdb", "yts"):
        load(api, name)
    shutil.rmtree(api.pipelines)

    again = [load(api, name) for name in ("omdb", "tmdb", "yts")]

    assert [(summary.rows, summary.load_ids) for summary in again] == [({}, ())] * 3


def test_faults_are_per_instance(tmp_path: Path) -> None:
    with ReplayServer.from_sample(write_sample(tmp_path, 2), Faults(errors=[503])) as broken, \
         ReplayServer.from_sample(write_sample(tmp_path, 2)) as healthy:  # fmt: skip
        assert requests.get(f"{broken.url}/3/movie/1000000", timeout=5).status_code == 503
        assert requests.get(f"{healthy.url}/3/movie/1000000", timeout=5).status_code == 200


def test_discover_windows_past_the_page_limit_are_split(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("extract.tmdb.listings.MAX_PAGE", 2)  # 45 films = 3 pages: the window must split

    summary = load(api, "tmdb")

    assert summary.rows == {"movies": 45}
    assert api.rows("tmdb", "movies", "count(distinct id)") == [(45,)]
    assert api.server.hits[("/3/discover/movie", "ok")] > 3


def test_rate_limiter_spaces_requests() -> None:
    limiter, started = RateLimiter(20.0), time.monotonic()

    for _ in range(11):
        limiter.wait()

    assert time.monotonic() - started >= 0.49


# --- nothing skipped for good: unreadable pages and details are fetched again -------------------


def test_unreadable_yts_page_is_loaded_exactly_on_the_next_run(api: Api) -> None:
    api.faults.invalid_pages = frozenset({2})
    first = load_yts_pages(api, page_size=10)
    api.faults.invalid_pages = frozenset()

    second = load_yts_pages(api, page_size=10)
    third = load_yts_pages(api, page_size=10)

    assert first.rows == {"movies": 35, "quarantine": 1}
    assert second.rows == {"movies": 10}
    assert third.rows == {}
    ids = [row[0] for row in api.rows("yts", "movies", "id", "id")]
    assert len(ids) == len(set(ids)) == FILMS


def test_yts_movies_uploaded_after_a_held_cursor_are_loaded_once(api: Api) -> None:
    api.faults.invalid_pages = frozenset({5})
    load_yts_pages(api, page_size=10)
    new = omdb_record(100)
    api.catalog.yts_put({**yts_movie(new), "date_uploaded": "2030-01-01 00:00:00"})
    api.faults.invalid_pages = frozenset()

    second = load_yts_pages(api, page_size=10)

    assert second.rows == {"movies": 6}  # the new movie and the five on the page that failed
    codes = [row[0] for row in api.rows("yts", "movies", "imdb_code", "imdb_code")]
    assert len(codes) == len(set(codes)) == FILMS + 1


def test_unreadable_tmdb_detail_is_asked_again_until_it_loads(api: Api) -> None:
    api.faults.invalid_ids = frozenset({"1000004"})
    first = load(api, "tmdb")
    second = load(api, "tmdb")  # still broken: quarantined again, still on the retry list
    api.faults.invalid_ids = frozenset()

    third = load(api, "tmdb")
    fourth = load(api, "tmdb")

    assert first.rows == {"movies": 44, "quarantine": 1}
    assert second.rows == {"quarantine": 1}
    assert third.rows == {"movies": 1}
    assert fourth.rows == {}
    assert api.rows("tmdb", "movies", "count(*), count(distinct id)") == [(45, 45)]


def test_tmdb_cursor_holds_after_an_unreadable_listing_page(api: Api) -> None:
    api.faults.empty_pages = frozenset({3})
    first = load(api, "tmdb")
    api.faults.empty_pages = frozenset()

    second = load(api, "tmdb")  # lists everything again; unchanged details are not appended

    assert first.rows == {"movies": 40, "quarantine": 1}
    assert second.rows == {"movies": 5}
    assert api.rows("tmdb", "movies", "count(*), count(distinct id)") == [(45, 45)]


# --- a field missing mid-pagination, and the per-run totals of the API sources -----------------


def test_listing_entry_without_an_id_is_quarantined_and_loaded_once_it_has_one(api: Api) -> None:
    api.faults.drop_fields = {2: frozenset({"item.id"})}  # page 2's first result comes without its id
    api.faults.invalid_ids = frozenset({"1000004"})
    first = load(api, "tmdb")
    api.faults.drop_fields, api.faults.invalid_ids = {}, frozenset()

    second = load(api, "tmdb")  # the cursor held: the listing is read again, unchanged details skipped

    (position, raw_value, reason), *_ = api.rows("tmdb", "quarantine", "position, raw_value, reason",
                                                "source_file")  # fmt: skip
    assert (position.split()[-2:], reason) == (["page=2", "result=1"], "id: missing value")
    missing = json.loads(raw_value)
    assert "id" not in missing
    assert first.rows == {"movies": 43, "quarantine": 2}
    assert (first.read, first.skipped, first.unaccounted) == (45, 0, 0)
    assert second.rows == {"movies": 2}
    assert (second.read, second.skipped, second.unaccounted) == (45, 43, 0)
    titles = [row[0] for row in api.rows("tmdb", "movies", "title", "_dlt_load_id desc, id")[:2]]
    assert missing["title"] in titles
    assert api.rows("tmdb", "movies", "count(*), count(distinct id)") == [(45, 45)]


def test_tmdb_first_page_without_a_page_count_is_quarantined_and_the_cursor_holds(api: Api) -> None:
    api.faults.drop_fields = {1: frozenset({"total_pages"})}
    first = load(api, "tmdb")
    api.faults.drop_fields = {}

    second = load(api, "tmdb")

    assert first.rows == {"movies": 20, "quarantine": 1}  # page 1's ids; the rest is unknown
    assert api.rows("tmdb", "quarantine", "reason") == [("total_pages: missing value",)]
    assert (first.read, first.unaccounted) == (21, 0)
    assert second.rows == {"movies": 25}
    assert (second.read, second.skipped, second.unaccounted) == (45, 20, 0)


def test_yts_page_without_a_movie_count_is_quarantined_and_the_rest_loads_next_run(api: Api) -> None:
    api.faults.drop_fields = {1: frozenset({"movie_count"})}
    first = load_yts_pages(api, page_size=10)
    api.faults.drop_fields = {}

    second = load_yts_pages(api, page_size=10)

    assert first.rows == {"movies": 10, "quarantine": 1}
    assert api.rows("yts", "quarantine", "position, reason") == [("page 1", "movie_count: missing value")]
    assert (first.read, first.unaccounted) == (11, 0)
    assert second.rows == {"movies": 35}
    assert (second.read, second.skipped, second.unaccounted) == (45, 10, 0)
    assert api.rows("yts", "movies", "count(*), count(distinct id)") == [(45, 45)]


def test_omdb_totals_count_answers_with_a_body_not_unknown_ids(api: Api) -> None:
    api.faults.invalid_ids = frozenset({IDS[2]})

    summary = load(api, "omdb", [*IDS[:5], "tt9999999"])

    assert summary.rows == {"movies": 4, "quarantine": 1}
    assert (summary.counts["not_found"], summary.read, summary.unaccounted) == (1, 5, 0)


def test_tmdb_first_listing_is_fetched_in_batches_across_runs(api: Api) -> None:
    from extract.tmdb import tmdb_source

    def batch() -> LoadSummary:
        source = tmdb_source(base_url=f"{api.server.url}/3", access_token="token", requests_per_second=0.0,
                             max_details_per_run=20)  # fmt: skip
        return run_source(source, str(api.lake), api.pipelines)

    runs = [batch()]
    changed = api.rows("tmdb", "movies", "id")[0][0]  # a film of the first batch changes meanwhile
    api.catalog.tmdb_put({**api.catalog.tmdb_movie(int(changed)), "budget": 44}, today())
    runs += [batch() for _ in range(3)]

    assert [run.rows for run in runs] == [{"movies": 20}, {"movies": 20}, {"movies": 6}, {}]
    loaded = api.rows("tmdb", "movies", "id, budget", "id, _dlt_load_id")
    assert sorted({row[0] for row in loaded}) == TMDB_IDS  # none lost
    assert [row for row in loaded if row[0] == changed][1] == (changed, "44")  # and the change is in
    assert len(loaded) == 46


# --- TMDB authentication: v4 read access token or v3 api key ------------------------------------


def test_tmdb_loads_with_a_v3_api_key_sent_as_a_parameter(tmp_path: Path) -> None:
    from extract.tmdb import tmdb_source
    from sample.replay import Catalog

    sample = write_sample(tmp_path / "sample", FILMS)
    with ReplayServer(Catalog.from_sample(sample), tmdb_token="dummy-v3-key") as server:
        source = tmdb_source(base_url=f"{server.url}/3", api_key="dummy-v3-key", access_token=None,
                             requests_per_second=0.0)  # fmt: skip
        summary = run_source(source, str(tmp_path / "lake"), tmp_path / "pipelines")
        refused = requests.get(f"{server.url}/3/movie/1000007?api_key=wrong", timeout=5)

    assert summary.rows == {"movies": FILMS}
    assert refused.status_code == 401


def test_tmdb_without_a_token_or_key_is_a_clear_error() -> None:
    from extract.tmdb import tmdb_auth

    assert tmdb_auth("tok", None) == {"headers": {"Authorization": "Bearer tok"}}
    assert tmdb_auth(None, "k") == {"secret_params": {"api_key": "k"}}
    with pytest.raises(ValueError, match=r"sources\.tmdb\.access_token .* or sources\.tmdb\.api_key"):
        tmdb_auth(None, None)
