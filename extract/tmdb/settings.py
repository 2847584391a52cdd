"""TMDB v3 defaults: endpoint, limits (TMDB allows about 40 requests/s), windows and raw columns."""

from __future__ import annotations

TMDB_URL = "https://api.themoviedb.org/3"
REQUESTS_PER_SECOND = 20.0
MAX_WORKERS = 8
APPEND = "credits,keywords,release_dates,external_ids"
MAX_PAGE = 500  # TMDB refuses later pages: wider date windows are split in two
FIRST_RELEASE = "1874-01-01"
LAST_RELEASE = "2100-12-31"
CHANGES_MAX_DAYS = 14
# The fields of a `/movie/{id}` answer with its appended responses, declared so they exist even when
# null; all land as text (extract/rest/tables.py), numbers and booleans as sent, objects and arrays as
# JSON text, so silver types them and quarantines what it cannot read.
MOVIE_COLUMNS = (
    "id", "imdb_id", "title", "original_title", "original_language", "overview", "release_date",
    "status", "tagline", "homepage", "poster_path", "backdrop_path",
    "runtime", "budget", "revenue", "vote_count", "popularity", "vote_average", "adult", "video",
    # JSON objects and arrays
    "genres", "production_companies", "production_countries", "spoken_languages", "origin_country",
    "belongs_to_collection", "credits", "keywords", "release_dates", "external_ids",
)  # fmt: skip
