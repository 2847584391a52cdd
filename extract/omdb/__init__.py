"""dlt source for OMDb: one `?i=<imdbID>` response per movie, as sent (Ratings kept as JSON text).

Incremental by id: the resource state (stored with the destination) records when each id's answer
was loaded and which ids OMDb does not know, so a run asks for the ids never asked and then for the
loaded ones whose answer is older than `refresh_after_days` (IMDb votes, Tomatometer and Metascore
move), the most-rated films first (`extract.omdb.refresh` has the order and the state). A new answer
is appended as a new raw row: silver keeps the latest load per id. When OMDb's daily limit, or the
`daily_quota` set here, runs out the run stops cleanly; what was fetched is loaded and the next run
carries on.

Why not `dlt.sources.incremental`: OMDb is asked per IMDb id, not along an ordered field, and an id
is asked again by the age of its answer; that is a per-id record (`extract.omdb.refresh`), kept in
dlt's resource state.

OMDb sends every value as a string already; its schema contract (extract.rest.API_CONTRACT) keeps
it so: an object or number where a string was lands as text for silver to judge, and a field OMDb
adds (a series' `totalSeasons`) becomes a new text column that the run reports.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from extract.omdb.refresh import (
    Plan,
    RatingCounts,
    budget_left,
    migrate,
    plan,
    record_spent,
    refresh_cutoff,
    timestamp,
)
from extract.omdb.settings import (
    MAX_WORKERS,
    MOVIE_COLUMNS,
    OMDB_URL,
    QUOTA_ERROR,
    REFRESH_AFTER_DAYS,
    REQUESTS_PER_SECOND,
)
from extract.rest import (
    API_CONTRACT,
    ApiClient,
    Fetched,
    HttpLimits,
    classify,
    declare_tables,
    decode_json,
    ordered_map,
    quarantine_row,
    tally,
)

log = logging.getLogger(__name__)


def lookup(client: ApiClient, imdb_id: str) -> Fetched:
    """Ask OMDb for one id; OMDb answers "not found" and its daily limit as JSON errors."""
    response = client.get("/", {"i": imdb_id})
    payload, _ = decode_json(response)
    error = payload.get("Error") if isinstance(payload, dict) else None
    if error == QUOTA_ERROR:
        return Fetched(imdb_id, "quota")
    if response.status_code == 401:
        raise PermissionError(f"OMDb refused the API key: {error}")
    if isinstance(payload, dict) and payload.get("Response") == "False":
        return Fetched(imdb_id, "not_found", reason=str(error))
    return classify(imdb_id, response, "imdbID")


def utc_now() -> datetime:
    """The current time, in UTC (the source's clock unless a test gives it another)."""
    return datetime.now(UTC)


@dlt.source(name="omdb", max_table_nesting=0, schema_contract=API_CONTRACT)
def omdb_source(
    imdb_ids: Sequence[str] = dlt.config.value,
    api_key: str = dlt.secrets.value,
    base_url: str = OMDB_URL,
    requests_per_second: float = REQUESTS_PER_SECOND,
    max_workers: int = MAX_WORKERS,
    refresh_after_days: int | None = REFRESH_AFTER_DAYS,
    daily_quota: int | None = None,
    counts: dict[str, int] | None = None,
    rating_counts: RatingCounts | None = None,
    now: Callable[[], datetime] = utc_now,
) -> DltResource:
    """OMDb records for `imdb_ids` never asked, then for those loaded over `refresh_after_days` ago.

    `refresh_after_days` None or 0 never asks a loaded id again. `daily_quota` caps the ids asked per
    UTC day across runs (None: ask until OMDb answers that its limit is reached); a request the HTTP
    client retries counts once within the run and in full towards the day's later runs.
    `rating_counts` gives MovieLens rating counts per IMDb id (stale ids are asked most rated first;
    called only when a stale id can be asked); `now` is the clock, timezone-aware. `counts` receives
    the not_found/quota/refreshed tallies: `refreshed` is a stale id whose new answer was loaded.
    """
    declare_tables({"movies": MOVIE_COLUMNS})
    limits = HttpLimits(requests_per_second=requests_per_second, max_workers=max_workers)
    client = ApiClient(base_url.rstrip("/"), limits, secret_params={"apikey": api_key})
    counted: dict[str, int] = counts if counts is not None else Counter()

    def movies() -> Iterator[Any]:
        state = dlt.current.resource_state()
        loaded_at, missing = migrate(state)
        started = now().astimezone(UTC)  # the quota's day and the stamps are UTC whatever the clock
        day, stamp = started.date().isoformat(), timestamp(started)
        todo = plan(imdb_ids, loaded_at, missing, refresh_cutoff(started, refresh_after_days),
                    budget_left(state, daily_quota, day), rating_counts)  # fmt: skip
        stale, asked = set(todo.stale), []

        def ask(imdb_id: str) -> Fetched:
            asked.append(imdb_id)  # list.append is atomic: the lookups run on worker threads
            return lookup(client, imdb_id)

        try:
            for found in ordered_map(ask, todo.ids, max_workers):
                tally(counted, found.kind)
                if found.kind == "quota":
                    log.warning("OMDb daily limit reached with %d ids loaded; the next run resumes",
                                len(loaded_at))  # fmt: skip
                    return
                if found.has_body:
                    tally(counted, "read:movies")
                if found.kind == "record" and found.key in stale:
                    tally(counted, "refreshed")
                yield from _handle(found, loaded_at, missing, stamp, found.key in stale)
        finally:
            record_spent(state, day, len(asked) + client.retries)
            _log_asked(todo, asked, stale)
            tally(counted, "retries", client.retries)

    return dlt.resource(movies, name="movies", write_disposition="append")


def _log_asked(todo: Plan, asked: list[str], stale: set[str]) -> None:
    """How many new and stale ids this run asked, and how many stale ones are left for later."""
    refreshed = sum(imdb_id in stale for imdb_id in asked)
    log.info("OMDb asked %d new and %d stale ids (%d ids were stale)",
             len(asked) - refreshed, refreshed, todo.stale_waiting)  # fmt: skip


def _handle(found: Fetched, loaded_at: dict[str, str | None], missing: list[str], stamp: str,
            refreshing: bool) -> Iterator[Any]:  # fmt: skip
    """Yield the record (and stamp its id) or its quarantine row; remember unknown ids.

    OMDb answering "not found" for an id it answered before keeps the earlier answer: raw/ is
    append-only and silver keeps the latest usable answer, so nothing is deleted. The id stays
    loaded, stamped with this answer's time, so it is asked again after another refresh age rather
    than on every run. An unreadable answer is quarantined and keeps the old stamp: asked next run.
    """
    if found.kind == "record":
        loaded_at[found.key] = stamp
        yield found.record
    elif found.kind == "not_found" and refreshing:
        loaded_at[found.key] = stamp
    elif found.kind == "not_found":
        missing.append(found.key)
    else:
        yield quarantine_row("omdb ?i=", found.key, found.body, found.reason)
