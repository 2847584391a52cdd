"""dlt source for YTS: one row per movie from `list_movies.json` (genres and torrents as JSON text).

YTS lists newest uploads first, so the run pages forward and stops at the first movie older than
the `date_uploaded` cursor kept in the resource state (stored with the destination); movies uploaded
in the cursor's own second are told apart by id. The cursor advances only after a listing without
broken pages: a page that could not be read is quarantined, the ids loaded meanwhile are kept in the
state, and the next run lists down to the old cursor again, loading exactly what it had missed.

Why not `dlt.sources.incremental`: it moves its cursor to the newest value it saw whenever the
extract ends, so a run with an unreadable page in the middle of the listing would move past what
that page held and never ask for it again. Holding the cursor until a listing is whole needs the
state in our hands; dlt's resource state still stores it with the destination.

The schema contract (extract.rest.API_CONTRACT) holds whatever YTS changes: every field lands as
text, so a number sent as a string (`"rating": "high"`) reaches silver, which quarantines it with
its column and reason; a field YTS adds becomes a new text column that the run reports.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from extract.rest import (
    API_CONTRACT,
    ApiClient,
    HttpLimits,
    declare_tables,
    decode_json,
    ordered_map,
    quarantine_row,
    tally,
)
from extract.yts.settings import (
    MAX_WORKERS,
    MOVIE_COLUMNS,
    PAGE_SIZE,
    REQUESTS_PER_SECOND,
    YTS_URL,
)

ENDPOINT = "/list_movies.json"
log = logging.getLogger(__name__)


def fetch_page(client: ApiClient, page: int, page_size: int) -> tuple[dict[str, Any] | None, Any]:
    """(data, None) for a good page, else (None, quarantine row)."""
    response = client.get(ENDPOINT, {"page": page, "limit": page_size})
    payload, error = decode_json(response)
    data = payload.get("data") if isinstance(payload, dict) else None
    if error is None and response.ok and isinstance(data, dict):
        return data, None
    return None, quarantine_row(
        ENDPOINT, f"page {page}", response.text, error or f"HTTP {response.status_code}"
    )


def page_items(
    page: int, data: dict[str, Any] | None, bad: Any, movie_count: int, size: int
) -> tuple[list[dict[str, Any]], Any | None]:
    """The page's movies, and a quarantine row for a bad page or an empty one before the listing ends."""
    if data is None:
        return [], bad
    movies = data.get("movies") or []
    if not movies and (page - 1) * size < movie_count:
        body = json.dumps({"status": "ok", "data": data})
        return [], quarantine_row(ENDPOINT, f"page {page}", body, "empty page inside the listing")
    return movies, None


@dlt.source(name="yts", max_table_nesting=0, schema_contract=API_CONTRACT)
def yts_source(
    base_url: str = YTS_URL,
    requests_per_second: float = REQUESTS_PER_SECOND,
    max_workers: int = MAX_WORKERS,
    page_size: int = PAGE_SIZE,
    counts: dict[str, int] | None = None,
) -> DltResource:
    """YTS movies uploaded after the cursor; `counts` receives page tallies."""
    declare_tables({"movies": MOVIE_COLUMNS})
    limits = HttpLimits(requests_per_second=requests_per_second, max_workers=max_workers)
    client = ApiClient(base_url.rstrip("/"), limits)
    counted: dict[str, int] = counts if counts is not None else Counter()

    def movies() -> Iterator[Any]:
        state = dlt.current.resource_state()
        cursor = Cursor(
            state.get("uploaded_after"),
            set(state.get("ids_at_cursor", [])),
            set(state.get("ids_after_cursor", [])),
        )
        try:
            yield from _listing(client, page_size, max_workers, cursor, counted)
        finally:
            tally(counted, "retries", client.retries)
        if cursor.broken_pages:
            log.warning(
                "YTS: %d page(s) unreadable; the cursor stays at %s", cursor.broken_pages, cursor.value
            )
            state["ids_after_cursor"] = sorted(cursor.loaded)
        else:
            state["uploaded_after"], state["ids_at_cursor"] = cursor.advanced()
            state["ids_after_cursor"] = []

    return dlt.resource(movies, name="movies", write_disposition="append")


@dataclass
class Cursor:
    """The `date_uploaded` cursor: where the last complete listing ended, and what this one saw."""

    value: str | None
    ids_at_value: set[int]
    loaded: set[int]  # ids loaded after the cursor by runs that could not advance it
    newest: str | None = None
    ids_at_newest: set[int] = field(default_factory=set)
    broken_pages: int = 0

    def is_older(self, movie: dict[str, Any]) -> bool:
        """Uploaded before the cursor, or in its second and seen then (no date: never older)."""
        uploaded = movie.get("date_uploaded")
        if self.value is None or uploaded is None:
            return False
        return uploaded < self.value or (uploaded == self.value and movie.get("id") in self.ids_at_value)

    def take(self, movie: dict[str, Any]) -> bool:
        """See a listed movie not older than the cursor; True when it was not loaded yet."""
        self.see(movie)
        movie_id = movie.get("id")
        if movie_id is None:  # no id: nothing to tell it apart by; loaded (and quarantined downstream)
            return True
        if movie_id in self.loaded:
            return False
        self.loaded.add(movie_id)
        return True

    def see(self, movie: dict[str, Any]) -> None:
        """Remember the newest upload time of this listing and the ids uploaded then."""
        uploaded = movie.get("date_uploaded")
        if uploaded is None or (self.newest is not None and uploaded < self.newest):
            return
        if uploaded != self.newest:
            self.newest, self.ids_at_newest = uploaded, set()
        self.ids_at_newest.add(movie.get("id"))

    def advanced(self) -> tuple[str | None, list[int]]:
        """The state after a complete listing (never moving back)."""
        if self.newest is None or (self.value is not None and self.newest < self.value):
            return self.value, sorted(self.ids_at_value)
        same = self.ids_at_value if self.newest == self.value else set()
        return self.newest, sorted(same | self.ids_at_newest)


def _listing(
    client: ApiClient, page_size: int, workers: int, cursor: Cursor, counted: dict[str, int]
) -> Iterator[Any]:
    """Movies newer than the cursor, page by page, and a quarantine row per unreadable page.

    Counts every movie listed after the cursor as read (skipped when loaded before) and every
    unreadable page as one record read and quarantined.
    """
    first, bad = fetch_page(client, 1, page_size)
    if first is None:
        yield _broken(cursor, counted, bad)
        return
    movie_count = first.get("movie_count")
    if not isinstance(movie_count, int):  # the listing's length is unknown: hold the cursor
        body = json.dumps(first)
        yield _broken(cursor, counted, quarantine_row(ENDPOINT, "page 1", body, "movie_count: missing value"))
        movie_count = 0
    pages = range(2, -(-movie_count // page_size) + 1)
    fetched = ordered_map(lambda page: (page, *fetch_page(client, page, page_size)), pages, workers)
    for page, data, bad in [(1, first, None), *fetched]:
        tally(counted, "pages")
        movies, rejected = page_items(page, data, bad, movie_count, page_size)
        if rejected is not None:
            yield _broken(cursor, counted, rejected)
        for movie in movies:
            if cursor.is_older(movie):
                return  # newest first: everything after this was loaded before
            tally(counted, "read:movies")
            if cursor.take(movie):
                yield movie
            else:
                tally(counted, "skipped:movies")


def _broken(cursor: Cursor, counted: dict[str, int], row: Any) -> Any:
    """A page's quarantine row, counted as one record read; the cursor will hold."""
    cursor.broken_pages += 1
    tally(counted, "read:movies")
    return row
