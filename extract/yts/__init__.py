"""dlt source for YTS: one row per movie from `list_movies.json` (genres and torrents as JSON text).

YTS lists newest uploads first, so the run pages forward and stops at the first movie not newer
than the `date_uploaded` cursor (dlt incremental, kept in state with the destination).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import dlt
from dlt.extract.resource import DltResource
from dlt.sources import incremental

from extract.rest import ApiClient, HttpLimits, declare_tables, decode_json, ordered_map, quarantine_row
from extract.yts.settings import (
    MAX_WORKERS,
    MOVIE_COLUMNS,
    PAGE_SIZE,
    REQUESTS_PER_SECOND,
    YTS_URL,
)

ENDPOINT = "/list_movies.json"


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


def page_items(page: int, data: dict[str, Any] | None, bad: Any, movie_count: int, size: int) -> list[Any]:
    """The page's movies; a quarantine row for a bad page or an empty one before the listing ends."""
    if data is None:
        return [bad]
    movies = data.get("movies") or []
    if not movies and (page - 1) * size < movie_count:
        body = json.dumps({"status": "ok", "data": data})
        return [quarantine_row(ENDPOINT, f"page {page}", body, "empty page inside the listing")]
    return movies


@dlt.source(name="yts", max_table_nesting=0)
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
    tally = counts if counts is not None else Counter()

    def movies() -> Iterator[Any]:
        first, bad = fetch_page(client, 1, page_size)
        if first is None:
            yield bad
            return
        movie_count = int(first.get("movie_count") or 0)
        pages = range(2, -(-movie_count // page_size) + 1)
        fetched = ordered_map(lambda page: (page, *fetch_page(client, page, page_size)), pages, max_workers)
        try:
            for page, data, bad in [(1, first, None), *fetched]:
                tally["pages"] = tally.get("pages", 0) + 1
                yield from page_items(page, data, bad, movie_count, page_size)
        finally:
            tally["retries"] = tally.get("retries", 0) + client.retries

    cursor: incremental[str] = incremental(
        "date_uploaded",
        primary_key="id",
        row_order="desc",
        on_cursor_value_missing="include",
    )
    return dlt.resource(movies, name="movies", write_disposition="append", incremental=cursor)
