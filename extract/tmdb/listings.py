"""Which TMDB ids to fetch: every id via date-windowed `/discover/movie`, or the ids in `/movie/changes`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from extract.rest import ApiClient, decode_json, ordered_map, quarantine_row
from extract.tmdb.settings import CHANGES_MAX_DAYS, MAX_PAGE


def _page(client: ApiClient, path: str, params: dict[str, Any]) -> tuple[dict[str, Any] | None, Any]:
    """(page body, None) or (None, quarantine row) for one listing page."""
    response = client.get(path, params)
    payload, error = decode_json(response)
    if error is None and response.ok and isinstance(payload, dict):
        return payload, None
    reason = error or f"HTTP {response.status_code}"
    return None, quarantine_row(path, _position(params), response.text, reason)


def _listing(
    client: ApiClient, path: str, params: dict[str, Any], workers: int, first: dict[str, Any]
) -> Iterator[Any]:
    """Ids (a list per page) or quarantine rows for every page of a listing, given its first page.

    A first page without a page count is quarantined (the listing's length is unknown, so the cursor
    holds) and its ids are still used.
    """
    pages = first.get("total_pages")
    if not isinstance(pages, int):
        yield quarantine_row(
            path, _position({**params, "page": 1}), json.dumps(first), "total_pages: missing value"
        )
    yield from _ids(path, {**params, "page": 1}, first)
    rest = range(2, min(pages if isinstance(pages, int) else 1, MAX_PAGE) + 1)
    for body, bad in ordered_map(lambda page: _page(client, path, {**params, "page": page}), rest, workers):
        yield from _ids(path, {**params, "page": body.get("page")}, body) if body is not None else [bad]


def discover(client: ApiClient, gte: date, lte: date, workers: int) -> Iterator[Any]:
    """Ids released in [gte, lte] (a list per page) and quarantine rows; windows > 500 pages are split."""
    params = {"sort_by": "primary_release_date.asc", "primary_release_date.gte": gte.isoformat(),
              "primary_release_date.lte": lte.isoformat()}  # fmt: skip
    first, bad = _page(client, "/discover/movie", {**params, "page": 1})
    if first is None:
        yield bad
    elif int(first.get("total_pages") or 1) > MAX_PAGE and gte < lte:
        middle = gte + (lte - gte) // 2
        yield from discover(client, gte, middle, workers)
        yield from discover(client, middle + timedelta(days=1), lte, workers)
    else:
        yield from _listing(client, "/discover/movie", params, workers, first)


def changes(client: ApiClient, since: date, until: date, workers: int) -> Iterator[Any]:
    """Ids TMDB lists as changed from `since` to `until` (14-day windows), plus quarantine rows."""
    start = since
    while start <= until:
        end = min(start + timedelta(days=CHANGES_MAX_DAYS), until)
        params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        first, bad = _page(client, "/movie/changes", {**params, "page": 1})
        yield from [bad] if first is None else _listing(client, "/movie/changes", params, workers, first)
        start = end + timedelta(days=1)


def _ids(path: str, params: dict[str, Any], page: dict[str, Any]) -> list[Any]:
    """The page's ids (one list), plus a quarantine row per result without an integer id; or a
    quarantine row for a page that is empty although results remain."""
    results = page.get("results") or []
    if not results and int(page.get("total_results") or 0) > 0:
        return [quarantine_row(path, _position(params), json.dumps(page), "empty page inside the listing")]
    ids = [
        result["id"] for result in results if isinstance(result, dict) and isinstance(result.get("id"), int)
    ]
    broken = [
        quarantine_row(path, f"{_position(params)} result={number}", json.dumps(result), "id: missing value")
        for number, result in enumerate(results, start=1)
        if not (isinstance(result, dict) and isinstance(result.get("id"), int))
    ]
    return [ids, *broken]


def _position(params: dict[str, Any]) -> str:
    """Where in a listing: its query parameters, e.g. `start_date=... end_date=... page=3`."""
    return " ".join(f"{key}={value}" for key, value in params.items())
