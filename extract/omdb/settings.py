"""OMDb defaults: endpoint, polite limits (the free key allows 1,000 requests a day), how old an
answer may get before it is asked for again, and raw columns."""

from __future__ import annotations

OMDB_URL = "https://www.omdbapi.com"
REQUESTS_PER_SECOND = 5.0
MAX_WORKERS = 4
QUOTA_ERROR = "Request limit reached!"
# IMDb votes, Tomatometer and Metascore keep moving after release: a loaded answer is asked for
# again once it is this many days old.
REFRESH_AFTER_DAYS = 30
# The fields of an `?i=` answer as dlt names them, all text as OMDb sends them (`ratings` as JSON text
# of the `Ratings` array); declared so they exist even when null (extract/rest/tables.py).
MOVIE_COLUMNS = (
    "title", "year", "rated", "released", "runtime", "genre", "director", "writer", "actors", "plot",
    "language", "country", "awards", "poster", "ratings", "metascore", "imdb_rating", "imdb_votes",
    "imdb_id", "type", "dvd", "box_office", "production", "website", "response",
)  # fmt: skip
