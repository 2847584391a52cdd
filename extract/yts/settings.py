"""YTS defaults: endpoint, limits, page size (YTS serves at most 50 per page) and raw columns."""

from __future__ import annotations

YTS_URL = "https://yts.mx/api/v2"
REQUESTS_PER_SECOND = 2.0
MAX_WORKERS = 2
PAGE_SIZE = 50
# The fields of a `list_movies.json` entry, declared so they exist even when null; all land as text
# (extract/rest/tables.py), numbers as sent and `genres`/`torrents` as JSON text, so silver types
# them and quarantines what it cannot read.
MOVIE_COLUMNS = (
    "id", "url", "imdb_code", "title", "title_english", "title_long", "slug", "year", "rating", "runtime",
    "genres", "summary", "description_full", "synopsis", "yt_trailer_code", "language", "mpa_rating",
    "background_image", "background_image_original", "small_cover_image", "medium_cover_image",
    "large_cover_image", "state", "torrents", "date_uploaded", "date_uploaded_unix",
)  # fmt: skip
