"""The three APIs' answers as (status, body, headers) for one parsed GET request."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sample.replay.catalog import Catalog
from sample.replay.faults import Faults

TMDB_PAGE_SIZE = 20
TMDB_MAX_PAGE = 500
TMDB_CHANGES_PAGE_SIZE = 100
TMDB_CHANGES_MAX_DAYS = 14
YTS_MAX_LIMIT = 50
OMDB_NOT_FOUND = {"Response": "False", "Error": "Movie not found!"}
OMDB_LIMIT = {"Response": "False", "Error": "Request limit reached!"}
OMDB_BAD_KEY = {"Response": "False", "Error": "Invalid API key!"}
TMDB_NOT_FOUND = {"success": False, "status_code": 34,
                  "status_message": "The resource you requested could not be found."}  # fmt: skip
TMDB_BAD_KEY = {"success": False, "status_code": 7,
                "status_message": "Invalid API key: You must be granted a valid key."}  # fmt: skip
TMDB_BAD_PAGE = {"success": False, "status_code": 22, "status_message": "Invalid page: Pages start at 1 "
                 "and max at 500. They are expected to be an integer."}  # fmt: skip
TMDB_BAD_INPUT = {"success": False, "status_code": 47, "status_message": "The input is not valid."}


@dataclass(frozen=True)
class Request:
    """One GET: path, first value of each query parameter, and the Authorization header."""

    path: str
    params: Mapping[str, str]
    authorization: str | None


@dataclass(frozen=True)
class Answer:
    """What the handler writes back."""

    status: int
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Api:
    """The catalog and faults one server instance answers from, and the keys it accepts."""

    catalog: Catalog
    faults: Faults
    omdb_api_key: str | None = None
    tmdb_token: str | None = None

    def answer(self, request: Request) -> Answer:
        """Route the request to OMDb (`/`), TMDB (`/3/...`) or YTS (`/api/v2/...`)."""
        if request.path == "/":
            return self._omdb(request)
        if request.path.startswith("/3/"):
            return self._tmdb(request)
        if request.path == "/api/v2/list_movies.json":
            return self._yts(request.params)
        return json_answer(404, {"status": "error", "status_message": "Not found"})

    def _omdb(self, request: Request) -> Answer:
        if self.omdb_api_key is not None and request.params.get("apikey") != self.omdb_api_key:
            return json_answer(401, OMDB_BAD_KEY)
        if not self.faults.omdb_quota_left():
            return json_answer(401, OMDB_LIMIT)
        imdb_id = request.params.get("i", "")
        body = self.catalog.omdb.get(imdb_id)
        if body is None:
            return json_answer(200, OMDB_NOT_FOUND)
        return Answer(200, self._maybe_broken(body, imdb_id in self.faults.invalid_ids), JSON_HEADERS)

    def _tmdb(self, request: Request) -> Answer:
        bearer = request.authorization == f"Bearer {self.tmdb_token}"
        v3_key = request.params.get("api_key") == self.tmdb_token  # TMDB v3: the key as a parameter
        if self.tmdb_token is not None and not (bearer or v3_key):
            return json_answer(401, TMDB_BAD_KEY)
        tail = request.path.removeprefix("/3/")
        if tail == "discover/movie":
            return self._tmdb_discover(request.params)
        if tail == "movie/changes":
            return self._tmdb_changes(request.params)
        movie_id = tail.removeprefix("movie/")
        if tail.startswith("movie/") and movie_id.isdigit():
            return self._tmdb_movie(movie_id)
        return json_answer(404, TMDB_NOT_FOUND)

    def _tmdb_movie(self, movie_id: str) -> Answer:
        detail = self.catalog.tmdb_movie(int(movie_id))
        if detail is None:
            return json_answer(404, TMDB_NOT_FOUND)
        broken = movie_id in self.faults.invalid_ids
        return Answer(200, self._maybe_broken(json.dumps(detail).encode(), broken), JSON_HEADERS)

    def _tmdb_discover(self, params: Mapping[str, str]) -> Answer:
        page = _int(params.get("page", "1"))
        if page is None or not 1 <= page <= TMDB_MAX_PAGE:
            return json_answer(400, TMDB_BAD_PAGE)
        found = self.catalog.tmdb_discover(
            params.get("primary_release_date.gte", "0000-01-01"),
            params.get("primary_release_date.lte", "9999-12-31"),
        )
        return self._paged(found, page, TMDB_PAGE_SIZE)

    def _tmdb_changes(self, params: Mapping[str, str]) -> Answer:
        today = date.today().isoformat()
        start, end = params.get("start_date", today), params.get("end_date", today)
        page = _int(params.get("page", "1"))
        days = _days(start, end)
        if page is None or page < 1 or days is None or not 0 <= days <= TMDB_CHANGES_MAX_DAYS:
            return json_answer(400, TMDB_BAD_INPUT)
        with self.catalog.lock:
            changed = [movie_id for day, movie_id in self.catalog.tmdb_changes if start <= day <= end]
        results = [{"id": movie_id, "adult": False} for movie_id in dict.fromkeys(changed)]
        return self._paged(results, page, TMDB_CHANGES_PAGE_SIZE)

    def _paged(self, items: list[dict[str, Any]], page: int, size: int) -> Answer:
        """TMDB's page envelope; total_pages is the true count (TMDB refuses pages past 500)."""
        chunk = [] if page in self.faults.empty_pages else items[(page - 1) * size : page * size]
        total_pages = _pages(len(items), size)
        body = {"page": page, "results": chunk, "total_pages": total_pages, "total_results": len(items)}
        self.faults.strip_fields(page, body, chunk)
        return Answer(200, self._maybe_broken(_dump(body), page in self.faults.invalid_pages), JSON_HEADERS)

    def _yts(self, params: Mapping[str, str]) -> Answer:
        page, limit = _int(params.get("page", "1")) or 1, _int(params.get("limit", "20")) or 20
        limit = min(max(limit, 1), YTS_MAX_LIMIT)
        with self.catalog.lock:
            movies = list(self.catalog.yts)
        data: dict[str, Any] = {"movie_count": len(movies), "limit": limit, "page_number": page}
        chunk = [] if page in self.faults.empty_pages else movies[(page - 1) * limit : page * limit]
        if chunk:
            data["movies"] = chunk  # YTS leaves the key out past the last page
        self.faults.strip_fields(page, data, chunk)
        body = {"status": "ok", "status_message": "Query was successful", "data": data}
        return Answer(200, self._maybe_broken(_dump(body), page in self.faults.invalid_pages), JSON_HEADERS)

    @staticmethod
    def _maybe_broken(body: bytes, broken: bool) -> bytes:
        """Truncate the body mid-way: what a dropped proxy or a buggy upstream sends."""
        return body[: len(body) // 2] if broken else body


JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def json_answer(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Answer:
    """A JSON answer with the given status."""
    return Answer(status, _dump(body), {**JSON_HEADERS, **(headers or {})})


def _dump(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


def _days(start: str, end: str) -> int | None:
    try:
        return (date.fromisoformat(end) - date.fromisoformat(start)).days
    except ValueError:
        return None
