"""The sample as the three APIs would serve it: OMDb records, TMDB movie details, YTS movie list.

Built from data/sample (see README.md beside this file for every derived field). Tests add or
change records through the `put_*` methods to exercise incremental loads.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

TMDB_SCALARS = ("budget", "revenue", "runtime", "popularity", "vote_average", "vote_count")
TMDB_LITERALS = ("genres", "production_companies", "production_countries", "spoken_languages")
TMDB_TEXT = (
    "homepage", "imdb_id", "original_language", "original_title", "overview", "poster_path",
    "release_date", "status", "tagline", "title",
)  # fmt: skip


def surrogate_id(imdb_id: str) -> int:
    """The sample's surrogate for ids no shipped source has: the digits of the IMDb id."""
    return int(re.sub(r"\D", "", imdb_id))


def _number(text: str) -> int | float | None:
    """A Kaggle numeric cell as TMDB sends it: int when whole, float otherwise, None when blank."""
    if not text:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def _literal(text: str) -> Any:
    return ast.literal_eval(text) if text else None


def tmdb_detail(row: dict[str, str], credits: dict[str, str] | None) -> dict[str, Any]:
    """One `/3/movie/{id}?append_to_response=credits,keywords,release_dates,external_ids` body."""
    movie_id = int(row["id"])
    detail: dict[str, Any] = {"adult": None, "backdrop_path": None, "id": movie_id}
    detail |= {name: row[name] or None for name in TMDB_TEXT}
    detail |= {name: _number(row[name]) for name in TMDB_SCALARS}
    detail |= {name: _literal(row[name]) or [] for name in TMDB_LITERALS}
    detail["belongs_to_collection"] = _literal(row["belongs_to_collection"])
    detail["video"] = None
    detail["credits"] = {
        "id": movie_id,
        "cast": _literal(credits["cast"]) if credits else [],
        "crew": _literal(credits["crew"]) if credits else [],
    }
    detail["keywords"] = {"id": movie_id, "keywords": []}
    detail["release_dates"] = {"id": movie_id, "results": []}
    detail["external_ids"] = {"id": movie_id, "imdb_id": detail["imdb_id"], "wikidata_id": None,
                              "facebook_id": None, "instagram_id": None, "twitter_id": None}  # fmt: skip
    return detail


def yts_movie(record: dict[str, Any]) -> dict[str, Any]:
    """One YTS `list_movies.json` entry derived from an OMDb record (no torrents: none are shipped)."""
    released = _released(record)
    uploaded = datetime.combine(released, datetime.min.time(), tzinfo=UTC)
    runtime = record["Runtime"].removesuffix(" min")
    return {
        "id": surrogate_id(record["imdbID"]),
        "imdb_code": record["imdbID"],
        "title": record["Title"],
        "title_english": record["Title"],
        "title_long": f"{record['Title']} ({record['Year']})",
        "year": int(record["Year"]),
        "rating": None,
        "runtime": int(runtime) if runtime.isdigit() else 0,
        "genres": [g for g in record["Genre"].split(", ") if g != "N/A"],
        "mpa_rating": "" if record["Rated"] == "N/A" else record["Rated"],
        "torrents": [],
        "date_uploaded": uploaded.strftime("%Y-%m-%d %H:%M:%S"),
        "date_uploaded_unix": int(uploaded.timestamp()),
    }


def _released(record: dict[str, Any]) -> date:
    if record["Released"] != "N/A":
        return datetime.strptime(record["Released"], "%d %b %Y").date()
    return date(int(record["Year"]), 1, 1)


@dataclass
class Catalog:
    """What the replay server knows; the `put_*` methods add or change a record (thread-safe)."""

    omdb: dict[str, bytes] = field(default_factory=dict)
    tmdb: dict[int, dict[str, Any]] = field(default_factory=dict)
    yts: list[dict[str, Any]] = field(default_factory=list)
    tmdb_changes: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _by_release: list[dict[str, Any]] | None = field(default=None, repr=False)

    @classmethod
    def from_sample(cls, sample_dir: Path) -> Catalog:
        """Read data/sample: omdb/movies.jsonl and kaggle/{movies_metadata,credits}.csv."""
        catalog = cls()
        for line in (sample_dir / "omdb" / "movies.jsonl").read_bytes().splitlines():
            record = json.loads(line)
            catalog.omdb[record["imdbID"]] = line
            catalog.yts.append(yts_movie(record))
        catalog.yts.sort(key=lambda movie: (movie["date_uploaded"], movie["id"]), reverse=True)
        catalog.tmdb = _tmdb_rows(sample_dir / "kaggle")
        return catalog

    def first(self, films: int) -> Catalog:
        """A smaller replay: the answers for the first `films` OMDb records, TMDB ids and YTS movies."""
        with self.lock:
            omdb = dict(list(self.omdb.items())[:films])
            return Catalog(omdb=omdb, tmdb=dict(sorted(self.tmdb.items())[:films]), yts=self.yts[:films])

    def omdb_put(self, record: dict[str, Any]) -> None:
        """Add or replace the OMDb response for `record["imdbID"]`."""
        with self.lock:
            self.omdb[record["imdbID"]] = json.dumps(record).encode()

    def tmdb_put(self, detail: dict[str, Any], changed_on: str) -> None:
        """Add or replace a TMDB movie and list it in `/3/movie/changes` for `changed_on`."""
        with self.lock:
            self.tmdb[detail["id"]] = {"detail": detail}
            self.tmdb_changes.append((changed_on, detail["id"]))
            self._by_release = None

    def yts_put(self, movie: dict[str, Any]) -> None:
        """Add a YTS movie, keeping the list newest upload first."""
        with self.lock:
            self.yts.append(movie)
            self.yts.sort(key=lambda entry: (entry["date_uploaded"], entry["id"]), reverse=True)

    def tmdb_movie(self, movie_id: int) -> dict[str, Any] | None:
        """The full detail body, built from the Kaggle-shaped rows on first use."""
        with self.lock:  # ast.literal_eval is not safe to run from several threads at once
            entry = self.tmdb.get(movie_id)
            if entry is None:
                return None
            if "detail" not in entry:
                entry["detail"] = tmdb_detail(entry["row"], entry.get("credits"))
            return entry["detail"]

    def tmdb_discover(self, gte: str, lte: str) -> list[dict[str, Any]]:
        """Discover summaries released in [gte, lte], oldest first (then by id)."""
        with self.lock:
            if self._by_release is None:
                summaries = [_summary(movie_id, entry) for movie_id, entry in self.tmdb.items()]
                dated = [movie for movie in summaries if movie["release_date"]]
                self._by_release = sorted(dated, key=lambda movie: (movie["release_date"], movie["id"]))
            by_release = self._by_release
        return [movie for movie in by_release if gte <= movie["release_date"] <= lte]


def _summary(movie_id: int, entry: dict[str, Any]) -> dict[str, Any]:
    """The fields `/3/discover/movie` lists per result."""
    if "detail" in entry:
        source = entry["detail"]
        genre_ids = [genre.get("id") for genre in source.get("genres") or []]
    else:
        source = entry["row"]
        genre_ids = [genre["id"] for genre in _literal(source["genres"]) or []]
    return {
        "id": movie_id,
        "title": source.get("title") or None,
        "original_title": source.get("original_title") or None,
        "original_language": source.get("original_language") or None,
        "release_date": source.get("release_date") or None,
        "genre_ids": [genre_id for genre_id in genre_ids if genre_id is not None],
    }


def _tmdb_rows(kaggle_dir: Path) -> dict[int, dict[str, Any]]:
    """Kaggle-shaped rows by surrogate id; the first row wins where two films share an id."""
    credits: dict[str, dict[str, str]] = {}
    for credit in _csv_rows(kaggle_dir / "credits.csv"):
        credits.setdefault(credit["id"], credit)
    rows: dict[int, dict[str, Any]] = {}
    for row in _csv_rows(kaggle_dir / "movies_metadata.csv"):
        rows.setdefault(int(row["id"]), {"row": row, "credits": credits.get(row["id"])})
    return rows


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
