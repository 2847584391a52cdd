"""OMDb asks again for answers older than the refresh age, most-rated films first, within the quota.

Against the replay server, with the source's clock injected: no test sleeps. Ratings and links are
a tiny raw ratings load and links.csv, so the order comes from the same code the pipeline runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import dlt
import pytest

from extract.omdb import omdb_source
from extract.omdb.priority import rating_counts
from extract.pipelines import ApiTarget, LoadSummary, run_api_sources, run_source
from sample.replay import ReplayServer
from tests.extract.api_fakes import Api, imdb_id, omdb_record, write_sample
from tests.extract.rating_inputs import write_links, write_ratings

pytestmark = pytest.mark.slow
FILMS = 12
IDS = [imdb_id(number) for number in range(FILMS)]
# MovieLens ratings per film number (film n is MovieLens movie n + 1); the rest have none.
RATED = {5: 9, 2: 7, 9: 7, 0: 4, 11: 1}
BY_RATINGS = [imdb_id(n) for n in (5, 2, 9, 0, 11, 1, 3, 4, 6, 7, 8, 10)]  # ties and unrated by id
T0 = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


class AskLog(dict[str, bytes]):
    """The replay catalog's OMDb answers, noting each id asked (in the order the server was asked)."""

    def __init__(self, answers: dict[str, bytes]) -> None:
        super().__init__(answers)
        self.asked: list[str] = []

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.append(key)
        return super().get(key, default)

    def since(self, mark: int) -> list[str]:
        return self.asked[mark:]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    sample = write_sample(tmp_path / "sample", FILMS)
    write_links(sample, [(str(n + 1), f"{1000000 + n:07d}") for n in range(FILMS)])
    write_ratings(
        tmp_path / "lake", "1700000000.1", [n + 1 for n, count in RATED.items() for _ in range(count)]
    )
    with ReplayServer.from_sample(sample) as server:
        server.catalog.omdb = AskLog(server.catalog.omdb)
        yield Api(server, tmp_path / "lake", tmp_path / "pipelines")


@pytest.fixture
def asked(api: Api) -> AskLog:
    log = api.catalog.omdb
    assert isinstance(log, AskLog)
    return log


class Scans:
    """Rating counts as the pipeline computes them, counting how often they are read."""

    def __init__(self, api: Api) -> None:
        self.read = 0
        self.counts = partial(rating_counts, str(api.lake), str(api.lake.parent / "sample"))

    def __call__(self) -> dict[str, int]:
        self.read += 1
        return self.counts()


def load(api: Api, at: datetime, ids: list[str] = IDS, days: int | None = 30, quota: int | None = None,
         scans: Scans | None = None) -> LoadSummary:  # fmt: skip
    counts: Counter[str] = Counter()
    source = omdb_source(imdb_ids=ids, api_key="key", base_url=f"{api.server.url}/", requests_per_second=0.0,
                         max_workers=1, refresh_after_days=days, daily_quota=quota, counts=counts,
                         rating_counts=scans or Scans(api), now=lambda: at)  # fmt: skip
    return run_source(source, str(api.lake), api.pipelines, counts)


def rows_per_id(api: Api) -> dict[str, int]:
    return dict(Counter(row[0] for row in api.rows("omdb", "movies", "imdb_id")))


def omdb_state(api: Api) -> dict[str, Any]:
    pipeline = dlt.attach(pipeline_name="movies_omdb", pipelines_dir=str(api.pipelines))
    return pipeline.state["sources"]["omdb"]["resources"]["movies"]


# --- (a) within the refresh age nothing is asked again ------------------------------------------


def test_a_run_within_the_refresh_age_asks_nothing_and_reads_no_ratings(api: Api, asked: AskLog) -> None:
    scans = Scans(api)
    first = load(api, T0, scans=scans)
    again = load(api, T0 + timedelta(days=30), scans=scans)  # exactly the age: not older than it

    assert first.rows == {"movies": FILMS}
    assert asked.asked == IDS
    assert (again.rows, again.load_ids, again.counts.get("refreshed")) == ({}, (), None)
    assert scans.read == 0


# --- (b) older answers are asked again, most-rated first, and appended ---------------------------


def test_stale_answers_are_asked_again_most_rated_first_after_the_new_ids(api: Api, asked: AskLog) -> None:
    load(api, T0, IDS[:6])
    later = load(api, T0 + timedelta(days=20))  # IDS[6:] are new; IDS[:6] are 20 days old: fresh
    mark = len(asked.asked)
    new = omdb_record(100)
    api.catalog.omdb_put(new)
    api.catalog.omdb_put({**omdb_record(5), "imdbRating": "8.1", "imdbVotes": "1,234"})

    refresh = load(api, T0 + timedelta(days=31), [*IDS, new["imdbID"]])

    assert later.rows == {"movies": 6}
    assert asked.since(mark) == [new["imdbID"], *[i for i in BY_RATINGS if i in IDS[:6]]]
    assert refresh.rows == {"movies": 7}
    assert (refresh.counts["refreshed"], refresh.counts["record"], refresh.read) == (6, 7, 7)
    assert rows_per_id(api) == {**dict.fromkeys(IDS[:6], 2), **dict.fromkeys(IDS[6:], 1), new["imdbID"]: 1}
    latest = api.rows("omdb", "movies", "imdb_rating, imdb_votes", "_dlt_load_id desc")
    assert ("8.1", "1,234") in latest[:7]  # the new answer is a new row of the newest load
    assert load(api, T0 + timedelta(days=32), [*IDS, new["imdbID"]]).rows == {}


def test_an_id_omdb_no_longer_knows_keeps_its_answer_and_waits_another_refresh_age(
    api: Api, asked: AskLog
) -> None:
    load(api, T0)
    gone = api.catalog.omdb.pop(IDS[5])
    mark = len(asked.asked)

    refresh = load(api, T0 + timedelta(days=31))
    again = load(api, T0 + timedelta(days=32))
    api.catalog.omdb[IDS[5]] = gone
    back = load(api, T0 + timedelta(days=62))

    assert asked.since(mark)[: FILMS + 1] == [*BY_RATINGS, IDS[5]]  # day 62: IDS[5] is stale again
    assert (refresh.rows, refresh.counts["not_found"], refresh.counts["refreshed"]) == (
        {"movies": FILMS - 1}, 1, FILMS - 1
    )  # fmt: skip
    assert again.rows == {}
    assert rows_per_id(api)[IDS[5]] == 2  # the first answer and day 62's (day 31 added none)
    assert back.counts["refreshed"] == FILMS
    assert IDS[5] not in omdb_state(api)["not_found_ids"]


# --- (c) a quota cuts the re-asks after the most-rated ones; the next run carries on -------------


def test_omdb_limit_cuts_the_refresh_and_the_next_run_asks_exactly_the_rest(api: Api, asked: AskLog) -> None:
    load(api, T0)
    api.faults.reset_quota(4)  # a new day at OMDb, with 4 requests left
    mark = len(asked.asked)

    cut = load(api, T0 + timedelta(days=31))
    api.faults.reset_quota()
    rest = load(api, T0 + timedelta(days=32))
    done = load(api, T0 + timedelta(days=33))

    assert (cut.rows, cut.counts["quota"], cut.counts["refreshed"]) == ({"movies": 4}, 1, 4)
    assert asked.since(mark) == BY_RATINGS  # the limit answer is refused before the catalog is read
    assert (rest.rows, rest.counts["refreshed"]) == ({"movies": 8}, 8)
    assert done.rows == {}
    assert rows_per_id(api) == dict.fromkeys(IDS, 2)
    refreshed_first = api.rows("omdb", "movies", "imdb_id", "_dlt_load_id, imdb_id")[FILMS : FILMS + 4]
    assert sorted(row[0] for row in refreshed_first) == sorted(BY_RATINGS[:4])


def test_daily_quota_holds_across_the_runs_of_a_day(api: Api, asked: AskLog) -> None:
    scans = Scans(api)
    load(api, T0)
    mark = len(asked.asked)
    day = T0 + timedelta(days=31)

    first = load(api, day, quota=3, scans=scans)
    same_day = load(api, day + timedelta(hours=5), quota=3, scans=scans)
    next_day = load(api, day + timedelta(days=1), quota=3, scans=scans)

    assert asked.since(mark) == BY_RATINGS[:6]
    assert [run.rows for run in (first, same_day, next_day)] == [{"movies": 3}, {}, {"movies": 3}]
    assert scans.read == 2  # the same-day run had no request left: no ratings scan either
    assert omdb_state(api)["quota_day"] == {"day": "2030-07-03", "asked": 3}


def test_daily_quota_set_through_the_pipeline_target(api: Api, asked: AskLog) -> None:
    url = api.server.url
    target = ApiTarget(omdb_url=f"{url}/", omdb_api_key="key", requests_per_second=0.0, max_workers=1,
                       omdb_refresh_days=0, omdb_daily_quota=5)  # fmt: skip

    (summary,) = run_api_sources(
        target, IDS, str(api.lake), api.pipelines, ("omdb",), api.lake.parent / "sample"
    )

    assert (summary.rows, asked.asked) == ({"movies": 5}, IDS[:5])


# --- (d) state written before loaded_at existed ---------------------------------------------------


@dlt.source(name="omdb", max_table_nesting=0)
def old_omdb(loaded: list[str], not_found: list[str]) -> Any:
    """What the source stored before it kept times: a `loaded_ids` list (and their rows)."""

    def movies() -> Iterator[dict[str, Any]]:
        state = dlt.current.resource_state()
        state["loaded_ids"], state["not_found_ids"] = list(loaded), list(not_found)
        yield from (omdb_record(IDS.index(imdb)) for imdb in loaded)

    return dlt.resource(movies, name="movies", write_disposition="append")


def test_old_state_migrates_with_unknown_age_asked_before_known_stale_ones(api: Api, asked: AskLog) -> None:
    run_source(old_omdb(IDS[:6], ["tt9999999"]), str(api.lake), api.pipelines)
    ids = [*IDS, "tt9999999"]

    off = load(api, T0, ids, days=0)  # refresh off: only the ids never asked
    migrated = omdb_state(api)
    mark = len(asked.asked)
    refresh = load(api, T0 + timedelta(days=31), ids)

    assert (off.rows, asked.asked[:mark]) == ({"movies": 6}, IDS[6:])
    assert "loaded_ids" not in migrated
    assert migrated["loaded_at"] == {**dict.fromkeys(IDS[:6]), **dict.fromkeys(IDS[6:], T0.isoformat())}
    unknown_first = [i for i in BY_RATINGS if i in IDS[:6]] + [i for i in BY_RATINGS if i in IDS[6:]]
    assert asked.since(mark) == unknown_first  # tt9999999 stays not found: never asked
    assert refresh.rows == {"movies": FILMS}
    assert set(omdb_state(api)["loaded_at"].values()) == {(T0 + timedelta(days=31)).isoformat()}


def test_migrated_ids_are_stale_at_once_when_refresh_is_on(api: Api, asked: AskLog) -> None:
    run_source(old_omdb(IDS[:6], []), str(api.lake), api.pipelines)

    first = load(api, T0, quota=8)

    assert asked.asked == [*IDS[6:], *[i for i in BY_RATINGS if i in IDS[:6]][:2]]
    assert (first.rows, first.counts["refreshed"]) == ({"movies": 8}, 2)
