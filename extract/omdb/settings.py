"""OMDb defaults: endpoint, polite limits (the free key allows 1,000 requests a day) and raw columns."""

from __future__ import annotations

from dlt.common.schema.typing import TDataType

OMDB_URL = "https://www.omdbapi.com"
REQUESTS_PER_SECOND = 5.0
MAX_WORKERS = 4
QUOTA_ERROR = "Request limit reached!"
MOVIE_COLUMNS: dict[str, TDataType] = {
    **dict.fromkeys(
        (
            "title", "year", "rated", "released", "runtime", "genre", "director", "writer", "actors",
            "plot", "language", "country", "awards", "poster",
        ),
        "text",
    ),
    "ratings": "json",
    **dict.fromkeys(
        (
            "metascore", "imdb_rating", "imdb_votes", "imdb_id", "type", "dvd", "box_office",
            "production", "website", "response",
        ),
        "text",
    ),
}  # fmt: skip
