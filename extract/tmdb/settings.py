"""TMDB v3 defaults: endpoint, limits (TMDB allows about 40 requests/s), windows and raw columns."""

from __future__ import annotations

from dlt.common.schema.typing import TDataType

TMDB_URL = "https://api.themoviedb.org/3"
REQUESTS_PER_SECOND = 20.0
MAX_WORKERS = 8
APPEND = "credits,keywords,release_dates,external_ids"
MAX_PAGE = 500  # TMDB refuses later pages: wider date windows are split in two
FIRST_RELEASE = "1874-01-01"
LAST_RELEASE = "2100-12-31"
CHANGES_MAX_DAYS = 14
MOVIE_COLUMNS: dict[str, TDataType] = {
    "id": "bigint",
    **dict.fromkeys(
        (
            "imdb_id", "title", "original_title", "original_language", "overview", "release_date",
            "status", "tagline", "homepage", "poster_path", "backdrop_path",
        ),
        "text",
    ),
    **dict.fromkeys(("runtime", "budget", "revenue", "vote_count"), "bigint"),
    **dict.fromkeys(("popularity", "vote_average"), "double"),
    **dict.fromkeys(("adult", "video"), "bool"),
    **dict.fromkeys(
        (
            "genres", "production_companies", "production_countries", "spoken_languages",
            "belongs_to_collection", "credits", "keywords", "release_dates", "external_ids",
        ),
        "json",
    ),
}  # fmt: skip
