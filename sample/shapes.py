"""Render bokeh films into the production file shapes: Kaggle CSV rows and OMDb API JSON."""

from __future__ import annotations

import re

from sample.codes import COUNTRY_TMDB, LANGUAGE_ISO, OMDB_TO_TMDB_GENRE, TMDB_GENRE_IDS
from sample.normalise import COMPANY_SUFFIX, PERSON_SUFFIX, split_list
from sample.sources import Film

KAGGLE_METADATA_COLUMNS = (
    "adult",
    "belongs_to_collection",
    "budget",
    "genres",
    "homepage",
    "id",
    "imdb_id",
    "original_language",
    "original_title",
    "overview",
    "popularity",
    "poster_path",
    "production_companies",
    "production_countries",
    "release_date",
    "revenue",
    "runtime",
    "spoken_languages",
    "status",
    "tagline",
    "title",
    "video",
    "vote_average",
    "vote_count",
)
KAGGLE_CREDITS_COLUMNS = ("cast", "crew", "id")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WRITER_ROLE = re.compile(r"^(?P<name>.*\S)\s*\((?P<role>[^()]+)\)$")
_NA = "N/A"


def genres_literal(genre: str) -> str:
    """Kaggle `genres`: [{'id': 18, 'name': 'Drama'}]; names TMDB lacks get 'id': None."""
    names: list[str] = []
    for name in split_list(genre):
        tmdb_name = OMDB_TO_TMDB_GENRE.get(name, name)
        if tmdb_name not in names:
            names.append(tmdb_name)
    return repr([{"id": TMDB_GENRE_IDS.get(name), "name": name} for name in names])


def spoken_languages(language: str | None) -> list[dict[str, str | None]]:
    """Kaggle `spoken_languages` entries, one per ISO code (unmapped labels keep iso None)."""
    entries: list[dict[str, str | None]] = []
    seen: set[str] = set()
    for name in split_list(language):
        iso = LANGUAGE_ISO.get(name)
        key = iso or f"name:{name}"
        if key not in seen:
            seen.add(key)
            entries.append({"iso_639_1": iso, "name": name})
    return entries


def original_language(language: str | None) -> str:
    """ISO 639-1 code of the first listed language, or "" when absent or unmapped."""
    names = split_list(language)
    return LANGUAGE_ISO.get(names[0], "") if names else ""


def countries_literal(country: str | None) -> str:
    """Kaggle `production_countries`: [{'iso_3166_1': 'US', 'name': 'United States of America'}]."""
    entries: list[dict[str, str | None]] = []
    seen: set[str] = set()
    for name in split_list(country):
        iso, tmdb_name = COUNTRY_TMDB.get(name, (None, name))
        key = iso or f"name:{name}"
        if key not in seen:
            seen.add(key)
            entries.append({"iso_3166_1": iso, "name": tmdb_name})
    return repr(entries)


def companies_literal(production: str | None) -> str:
    """Kaggle `production_companies`: [{'name': 'Gaumont', 'id': None}] (no TMDB company ids)."""
    return repr([{"name": name, "id": None} for name in split_list(production, COMPANY_SUFFIX)])


def kaggle_metadata_row(film: Film, budget: int) -> dict[str, str]:
    """One movies_metadata.csv row; fields no shipped source provides stay empty."""
    row = dict.fromkeys(KAGGLE_METADATA_COLUMNS, "")
    row.update(
        budget=str(budget),
        genres=genres_literal(film.genre),
        id=str(film.surrogate_id),
        imdb_id=film.imdb_id,
        original_language=original_language(film.language),
        production_companies=companies_literal(film.production),
        production_countries=countries_literal(film.country),
        release_date=film.released,
        revenue=str(round(film.box_office)) if film.box_office is not None else "0",
        runtime=f"{film.runtime:.1f}" if film.runtime is not None else "",
        spoken_languages=repr(spoken_languages(film.language)),
        title=film.title,
    )
    return row


def writer_credit(entry: str) -> tuple[str, str]:
    """(name, job) for one Writer entry: "Jane Doe (novel)" -> ("Jane Doe", "Novel")."""
    match = _WRITER_ROLE.match(entry)
    if match is None:
        return entry, "Writer"
    role = match.group("role").strip()
    return match.group("name"), role[:1].upper() + role[1:]


def _crew_entry(name: str, department: str, job: str) -> dict[str, object]:
    """A Kaggle crew dict with only department, job and name known."""
    return {
        "credit_id": None,
        "department": department,
        "gender": None,
        "id": None,
        "job": job,
        "name": name,
        "profile_path": None,
    }


def crew_literal(film: Film) -> str:
    """Kaggle `crew`: directors (Directing/Director), then writers (Writing/<role or Writer>)."""
    crew = [_crew_entry(name, "Directing", "Director") for name in split_list(film.director)]
    for entry in split_list(film.writer, PERSON_SUFFIX):
        name, job = writer_credit(entry)
        crew.append(_crew_entry(name, "Writing", job))
    return repr(crew)


def cast_literal(film: Film) -> str:
    """Kaggle `cast`: names only; bokeh lists cast alphabetically, so `order` is None."""
    keys = ("cast_id", "character", "credit_id", "gender", "id")
    return repr(
        [
            {**dict.fromkeys(keys), "name": name, "order": None, "profile_path": None}
            for name in split_list(film.cast, PERSON_SUFFIX)
        ]
    )


def kaggle_credits_row(film: Film) -> dict[str, str]:
    """One credits.csv row (cast, crew, id)."""
    return {"cast": cast_literal(film), "crew": crew_literal(film), "id": str(film.surrogate_id)}


def omdb_released(iso_date: str) -> str:
    """OMDb's Released format, locale-independent: "2009-01-19" -> "19 Jan 2009"."""
    year, month, day = iso_date.split("-")
    return f"{day} {_MONTHS[int(month) - 1]} {year}"


def omdb_ratings(film: Film) -> list[dict[str, str]]:
    """OMDb `Ratings`: IMDb, Rotten Tomatoes and Metacritic entries, only those present."""
    ratings: list[dict[str, str]] = []
    if film.imdb_rating is not None:
        ratings.append({"Source": "Internet Movie Database", "Value": f"{film.imdb_rating:.1f}/10"})
    if film.rt_meter is not None:
        ratings.append({"Source": "Rotten Tomatoes", "Value": f"{film.rt_meter}%"})
    if film.metacritic is not None:
        ratings.append({"Source": "Metacritic", "Value": f"{film.metacritic}/100"})
    return ratings


def _text(value: str | None) -> str:
    """OMDb text value: the string, or "N/A" when missing or blank."""
    return value if value else _NA


def omdb_record(film: Film) -> dict[str, object]:
    """One OMDb `?i=<imdbID>` response, in OMDb's key order with string values."""
    return {
        "Title": film.title,
        "Year": str(film.year),
        "Rated": _text(film.rated),
        "Released": omdb_released(film.released),
        "Runtime": f"{film.runtime} min" if film.runtime is not None else _NA,
        "Genre": _text(film.genre),
        "Director": _text(film.director),
        "Writer": _text(film.writer),
        "Actors": _text(film.cast),
        "Plot": _NA,
        "Language": _text(film.language),
        "Country": _text(film.country),
        "Awards": _text(film.awards),
        "Poster": _text(film.poster),
        "Ratings": omdb_ratings(film),
        "Metascore": str(film.metacritic) if film.metacritic is not None else _NA,
        "imdbRating": f"{film.imdb_rating:.1f}" if film.imdb_rating is not None else _NA,
        "imdbVotes": f"{film.imdb_votes:,}" if film.imdb_votes is not None else _NA,
        "imdbID": film.imdb_id,
        "Type": "movie",
        "DVD": _text(film.dvd),
        "BoxOffice": f"${round(film.box_office):,}" if film.box_office is not None else _NA,
        "Production": _text(film.production),
        "Website": _text(film.website),
        "Response": "True",
    }
