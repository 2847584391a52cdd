"""YTS defaults: endpoint, limits, page size (YTS serves at most 50 per page) and raw columns."""

from __future__ import annotations

from dlt.common.schema.typing import TDataType

YTS_URL = "https://yts.mx/api/v2"
REQUESTS_PER_SECOND = 2.0
MAX_WORKERS = 2
PAGE_SIZE = 50
MOVIE_COLUMNS: dict[str, TDataType] = {
    "id": "bigint",
    "imdb_code": "text",
    "title": "text",
    "year": "bigint",
    "rating": "double",
    "runtime": "bigint",
    "genres": "json",
    "torrents": "json",
    "date_uploaded": "text",
    "date_uploaded_unix": "bigint",
}
