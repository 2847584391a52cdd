"""dlt source for TMDB v3: one `/movie/{id}?append_to_response=...` response per movie, as sent.

The first run lists every id with date-windowed `/discover/movie`; later runs ask `/movie/changes`
since the cursor kept in the resource state (stored with the destination). A detail whose content
hash equals the one loaded before is not appended again, so a re-run on the same data adds nothing.
Nothing is skipped for good: the cursor advances only after a listing without unreadable pages (else
the next run lists the same span again), and a detail that could not be read is quarantined and
asked for again on every run until it loads or TMDB answers 404.

A first run over all of TMDB (about a million films at 20 requests/s: half a day) need not be one
all-or-nothing load: `sources.tmdb.max_details_per_run` caps the details one run fetches, and the
listed ids it did not reach wait in the state (`pending_ids`) for the next runs, first in line.

Why not `dlt.sources.incremental`: its cursor is a field of the yielded items, while TMDB's cursor is
the `start_date` of the `/movie/changes` request (a changed id carries no date), and it must hold
when a listing page is unreadable, which dlt's cursor does not (see extract/yts). Details are
deduplicated by content hash, which no cursor expresses. The state lives in dlt's resource state.

The schema contract (extract.rest.API_CONTRACT) holds whatever TMDB changes: every field lands as
text, so a number sent as a string (`"runtime": "ninety"`) reaches silver, which quarantines it with
its column and reason; a field TMDB adds becomes a new text column that the run reports.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from extract.rest import (
    API_CONTRACT,
    ApiClient,
    Fetched,
    HttpLimits,
    classify,
    declare_tables,
    ordered_map,
    quarantine_row,
    tally,
)
from extract.tmdb.listings import changes, discover
from extract.tmdb.settings import (
    APPEND,
    FIRST_RELEASE,
    LAST_RELEASE,
    MAX_WORKERS,
    MOVIE_COLUMNS,
    REQUESTS_PER_SECOND,
    TMDB_URL,
)


def fetch_movie(client: ApiClient, movie_id: int) -> Fetched:
    """One movie's details with credits, keywords, release dates and external ids appended."""
    return classify(str(movie_id), client.get(f"/movie/{movie_id}", {"append_to_response": APPEND}), "id")


def content_hash(record: dict[str, Any]) -> str:
    """A short, order-independent digest of a record, to skip details that did not change."""
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]


def _listed_ids(listing: Iterator[Any], ids: list[int]) -> Iterator[Any]:
    """Collect listed ids into `ids`; pass quarantine rows (unreadable pages) through."""
    for item in listing:
        if isinstance(item, list):
            ids.extend(item)
        else:
            yield item


def tmdb_auth(access_token: str | None, api_key: str | None) -> dict[str, Any]:
    """ApiClient arguments for TMDB's v4 token (preferred) or v3 key; neither is a clear error."""
    if access_token:
        return {"headers": {"Authorization": f"Bearer {access_token}"}}
    if api_key:
        return {"secret_params": {"api_key": api_key}}
    raise ValueError(
        "TMDB needs sources.tmdb.access_token (v4 read access token) or sources.tmdb.api_key (v3 key)"
    )


@dlt.source(name="tmdb", max_table_nesting=0, schema_contract=API_CONTRACT)
def tmdb_source(
    access_token: str | None = dlt.secrets.value,
    base_url: str = TMDB_URL,
    requests_per_second: float = REQUESTS_PER_SECOND,
    max_workers: int = MAX_WORKERS,
    counts: dict[str, int] | None = None,
    api_key: str | None = dlt.secrets.value,
    max_details_per_run: int | None = None,
) -> DltResource:
    """TMDB movie details, all on the first run and then those changed; `counts` gets tallies.

    Authenticates with the v4 read access token (Bearer header) or, without one, the v3 `api_key`
    (a query parameter, kept out of logs like OMDb's key).
    """
    declare_tables({"movies": MOVIE_COLUMNS})
    limits = HttpLimits(requests_per_second=requests_per_second, max_workers=max_workers)
    client = ApiClient(base_url.rstrip("/"), limits, **tmdb_auth(access_token, api_key))
    counted: dict[str, int] = counts if counts is not None else Counter()

    def movies() -> Iterator[Any]:
        state = dlt.current.resource_state()
        hashes: dict[str, str] = state.setdefault("content_hashes", {})
        retry: list[int] = state.setdefault("retry_ids", [])
        today = datetime.now(UTC).date()
        since = state.get("changes_since")
        listing = (
            discover(client, date.fromisoformat(FIRST_RELEASE), date.fromisoformat(LAST_RELEASE), max_workers)
            if since is None
            else changes(client, date.fromisoformat(since), today, max_workers)
        )
        ids: list[int] = []
        broken_pages = list(_listed_ids(listing, ids))
        tally(counted, "read:movies", len(broken_pages))  # each unreadable page or entry: one record
        yield from broken_pages
        todo, state["pending_ids"] = _batch(
            [*state.get("pending_ids", []), *retry, *ids], max_details_per_run
        )
        failed: list[int] = []
        try:
            for found in ordered_map(lambda movie_id: fetch_movie(client, movie_id), todo, max_workers):
                tally(counted, found.kind)
                if found.kind == "invalid":
                    failed.append(int(found.key))
                yield from _handle(found, hashes, counted)
        finally:
            tally(counted, "retries", client.retries)
        state["retry_ids"] = failed
        if not broken_pages:
            state["changes_since"] = today.isoformat()

    return dlt.resource(movies, name="movies", write_disposition="append")


def _batch(ids: list[int], limit: int | None) -> tuple[list[int], list[int]]:
    """(ids to fetch now, ids left for later runs), de-duplicated in order; no limit: all now."""
    unique = list(dict.fromkeys(ids))
    cut = len(unique) if limit is None else max(limit, 0)
    return unique[:cut], unique[cut:]


def _handle(found: Fetched, hashes: dict[str, str], counted: dict[str, int]) -> Iterator[Any]:
    """Yield a new or changed record (remembering its hash) or a quarantine row; 404s are skipped.

    Counts each answer with a body as read, and an unchanged record as skipped.
    """
    if not found.has_body:
        return
    tally(counted, "read:movies")
    if found.kind == "invalid":
        yield quarantine_row("/movie/{id}", found.key, found.body, found.reason)
        return
    digest = content_hash(found.record or {})
    if hashes.get(found.key) == digest:
        tally(counted, "skipped:movies")
        return
    hashes[found.key] = digest
    yield found.record
