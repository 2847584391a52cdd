"""No value silently nulled: a corrupted copy of a small delivery, tried as a new user would.

The CSV files (Kaggle movies_metadata and links, in their sources' own shapes) and the OMDb, TMDB and
YTS answers (served by the replay server) each carry one value per column that cannot be read. They go
through the real extract (dlt) and the real silver job. Every corrupted value must then have exactly
one quarantine row (source, entity, record key, the value as delivered, and why), and the rows that
carried them must still load, with that value unknown. A number an API sends as a string or an object
(schema drift) is one of them: it lands as text (the API sources' schema contract,
extract/rest/tables.py), never in a variant column silver would not read.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

from extract.pipelines import ApiTarget, load_api_sources, load_file_sources
from sample.replay import Catalog, ReplayServer
from sample.replay.catalog import surrogate_id
from spark.jobs.silver import build_silver
from spark.lake import Lake
from tests.extract.api_fakes import imdb_id, raw_columns, write_sample

pytestmark = pytest.mark.slow

FILMS = 8
MOVIE = [str(1000000 + number) for number in range(FILMS)]  # the sample's TMDB-style movie ids
UNKNOWN = "(kept as unknown)"
# movies_metadata.csv: film number -> {column: corrupted value}.
METADATA = {
    0: {"release_date": "30/10/1995", "budget": "$30M"},
    1: {"runtime": "eighty", "revenue": "unknown"},
    2: {"popularity": "high", "original_language": "English"},
    3: {"vote_average": "8,1", "production_countries": "[{'iso_3166_1': 'USA', 'name': 'United States'}]"},
    4: {"vote_count": "many", "spoken_languages": "[{'iso_639_1': 'eng', 'name': 'English'}]"},
    5: {"imdb_id": "nm0000005"},
}
# links.csv rows: (movieId, imdbId, tmdbId); the last three each carry one value that is not an id.
LINKS = [
    ("1", "1000001", MOVIE[1]), ("2", "1000002", MOVIE[2]),
    ("x3", "1000003", MOVIE[3]), ("4", "tt1000004", MOVIE[4]), ("5", "1000005", "five"),
]  # fmt: skip
# OMDb answers: film number -> {field: corrupted value}; Response "Maybe" is not a boolean.
OMDB = {
    1: {"Year": "unknown", "Released": "1995-10-30", "Runtime": "1h 21m"},
    2: {"Metascore": "high", "imdbRating": "eight", "imdbVotes": "lots"},
    3: {"DVD": "soon", "BoxOffice": "a lot", "Ratings": [{"Source": "Letterboxd", "Value": "four stars"}]},
    4: {"Response": "Maybe"},
}
# TMDB details (films 6 and 7 only: TMDB's rows win in silver `movies`, and films 0-5 show Kaggle's
# faults): numbers sent as a string and as an object.
TMDB = {6: {"runtime": "ninety", "budget": "a lot"}, 7: {"popularity": {"score": 5}}}
TORRENT = {"url": "https://yts.example/t/1", "hash": "ABC123", "quality": "720p", "type": "bluray",
           "video_codec": "x264", "seeds": 10, "peers": 2, "size_bytes": 1000,
           "date_uploaded_unix": 1446342000}  # fmt: skip


def _corrupt_files(files: Path) -> None:
    path = files / "kaggle" / "movies_metadata.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames or [], list(reader)
    for number, values in METADATA.items():
        rows[number].update(values)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    with (files / "kaggle" / "links.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("movieId", "imdbId", "tmdbId"), *LINKS])
    (files / "kaggle" / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
    (files / "fred").mkdir()
    cpi = "".join(f"1995-{month:02d}-01,{150 + month}.0\n" for month in range(1, 13))
    (files / "fred" / "CPIAUCSL.csv").write_text("observation_date,CPIAUCSL\n" + cpi)


def _corrupt_answers(catalog: Catalog) -> None:
    for number, fields in OMDB.items():
        catalog.omdb_put({**json.loads(catalog.omdb[imdb_id(number)]), **fields})
    details = {int(MOVIE[number]): {**(catalog.tmdb_movie(int(MOVIE[number])) or {}), **fields}
               for number, fields in TMDB.items()}  # fmt: skip
    catalog.tmdb = {movie_id: {"detail": detail} for movie_id, detail in details.items()}  # and no others
    by_imdb = {movie["imdb_code"]: movie for movie in catalog.yts}
    by_imdb[imdb_id(5)]["rating"] = "high"
    by_imdb[imdb_id(6)]["imdb_code"] = "tt12"  # too few digits for an IMDb id
    by_imdb[imdb_id(7)]["torrents"] = [{**TORRENT, "seeds": "many"}, {**TORRENT, "hash": None}]


@pytest.fixture(scope="module")
def silver(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("unreadable")
    files, lake, pipelines = root / "files", root / "lake", root / "pipelines"
    write_sample(files, FILMS)
    catalog = Catalog.from_sample(files)
    _corrupt_files(files)
    _corrupt_answers(catalog)
    load_file_sources(files, str(lake), pipelines)
    with ReplayServer(catalog, omdb_api_key="key", tmdb_token="token") as server:
        url = server.url
        target = ApiTarget(
            omdb_url=f"{url}/", tmdb_url=f"{url}/3", yts_url=f"{url}/api/v2", omdb_api_key="key",
            tmdb_token="token", requests_per_second=0.0, max_workers=4,
        )  # fmt: skip
        load_api_sources(files, str(lake), pipelines, target, names=("tmdb", "omdb", "yts"))
    build_silver(spark, str(lake))
    read = Lake(spark, str(lake)).read_silver
    yield {
        "quarantine": [row.asDict() for row in read("quarantine").collect()],
        "movies": {row["movie_id"]: row.asDict() for row in read("movies").collect()},
        "links": {row["movielens_movie_id"]: row.asDict() for row in read("movie_links").collect()},
        "omdb": {row["imdb_id"]: row.asDict() for row in read("omdb_movies").collect()},
        "yts": {row["yts_id"]: row.asDict() for row in read("yts_movies").collect()},
        "torrents": [row.asDict() for row in read("yts_torrents").collect()],
        "raw_columns": {name: raw_columns(lake, name, "movies") for name in ("omdb", "tmdb", "yts")},
    }


def _found(silver: dict[str, Any], source: str) -> Counter[tuple[str, str, str, str]]:
    return Counter(
        (row["entity"], row["record_key"], row["raw_value"], row["reason"])
        for row in silver["quarantine"]
        if row["source"] == source and row["layer"] == "silver"
    )


def test_each_unreadable_kaggle_value_has_one_quarantine_row(silver: dict[str, Any]) -> None:
    expected = {
        ("movies", MOVIE[0], "30/10/1995", f"release_date: not a date (yyyy-MM-dd) {UNKNOWN}"),
        ("movie_financials", MOVIE[0], "$30M", f"budget: not an amount {UNKNOWN}"),
        ("movies", MOVIE[1], "eighty", f"runtime: not a number of minutes {UNKNOWN}"),
        ("movie_financials", MOVIE[1], "unknown", f"revenue: not an amount {UNKNOWN}"),
        ("movies", MOVIE[2], "high", f"popularity: not a number {UNKNOWN}"),
        ("movies", MOVIE[2], "English", f"original_language: not an ISO 639-1 code {UNKNOWN}"),
        ("movies", MOVIE[3], "8,1", f"vote_average: not a number {UNKNOWN}"),
        ("movie_countries", MOVIE[3], '{"iso_3166_1":"USA","name":"United States"}',
         "country iso_3166_1: not an ISO 3166-1 alpha-2 code"),
        ("movies", MOVIE[4], "many", f"vote_count: not a whole number {UNKNOWN}"),
        ("movie_languages", MOVIE[4], '{"iso_639_1":"eng","name":"English"}',
         "language iso_639_1: not an ISO 639-1 code"),
        ("movies", MOVIE[5], "nm0000005", f"imdb_id: not an IMDb id (tt + digits) {UNKNOWN}"),
        ("movie_links", "x3", '{"movieId":"x3","imdbId":"1000003","tmdbId":"1000003"}',
         "movieId is not an integer: x3"),
        ("movie_links", "4", "tt1000004", f"imdbId: not an IMDb id (digits) {UNKNOWN}"),
        ("movie_links", "5", "five", f"tmdbId: not a TMDB id (an integer) {UNKNOWN}"),
    }  # fmt: skip
    found = _found(silver, "kaggle")
    assert {row: found[row] for row in expected} == dict.fromkeys(expected, 1)
    unexpected = [row for row in found if row not in expected and ("not a" in row[3] or "not an" in row[3])]
    assert unexpected == []


def test_the_rows_load_with_the_unreadable_values_unknown(silver: dict[str, Any]) -> None:
    movies, links = silver["movies"], silver["links"]
    assert sorted(movies) == sorted(int(movie) for movie in MOVIE)
    assert movies[int(MOVIE[0])]["release_date"] is None and movies[int(MOVIE[0])]["title"] == "Film 0"
    assert movies[int(MOVIE[1])]["runtime_minutes"] is None
    assert movies[int(MOVIE[2])]["original_language"] is None
    assert movies[int(MOVIE[5])]["imdb_id"] is None
    assert sorted(links) == [1, 2, 4, 5]  # "x3" has no MovieLens id to load under
    assert (links[4]["imdb_id"], links[4]["tmdb_id"]) == (None, int(MOVIE[4]))
    assert (links[5]["imdb_id"], links[5]["tmdb_id"]) == ("tt1000005", None)


def test_each_unreadable_omdb_and_yts_value_has_one_quarantine_row(silver: dict[str, Any]) -> None:
    omdb = {
        ("omdb_movies", imdb_id(1), "unknown", f"year: not a year {UNKNOWN}"),
        ("omdb_movies", imdb_id(1), "1995-10-30", f"released: not a date (d MMM yyyy) {UNKNOWN}"),
        ("omdb_movies", imdb_id(1), "1h 21m", f"runtime: not a number of minutes (N min) {UNKNOWN}"),
        ("omdb_movies", imdb_id(2), "high", f"metascore: not a whole number {UNKNOWN}"),
        ("omdb_movies", imdb_id(2), "eight", f"imdb_rating: not a number {UNKNOWN}"),
        ("omdb_movies", imdb_id(2), "lots", f"imdb_votes: not a count {UNKNOWN}"),
        ("omdb_movies", imdb_id(3), "soon", f"dvd: not a date (d MMM yyyy) {UNKNOWN}"),
        ("omdb_movies", imdb_id(3), "a lot", f"box_office: not an amount in dollars {UNKNOWN}"),
        ("omdb_ratings", f"{imdb_id(3)}:Letterboxd", '{"source":"Letterboxd","value":"four stars"}',
         "Ratings value: not a score (n/10, n/100 or n%; kept as unknown)"),
    }  # fmt: skip
    found = _found(silver, "omdb")
    assert {row: found[row] for row in omdb} == dict.fromkeys(omdb, 1)
    not_true = [(row[0], row[1], row[3]) for row in found if row[3] == "response is not True"]
    assert not_true == [("omdb_movies", imdb_id(4), "response is not True")]
    assert silver["omdb"][imdb_id(1)]["year"] is None and silver["omdb"][imdb_id(1)]["title"] == "Film 1"

    yts = _found(silver, "yts")
    film_6, film_7 = surrogate_id(imdb_id(6)), surrogate_id(imdb_id(7))  # the YTS ids
    expected = {
        ("yts_movies", str(film_6), "tt12", f"imdb_code: not an IMDb id (tt + 7 or more digits) {UNKNOWN}"),
        ("yts_torrents", f"{film_7}:ABC123", "many", f"seeds: not a whole number {UNKNOWN}"),
    }
    assert {row: yts[row] for row in expected} == dict.fromkeys(expected, 1)
    no_hash = [(entity, key) for entity, key, _, reason in yts if reason == "torrent has no hash"]
    assert no_hash == [("yts_torrents", str(film_7))]
    assert [(row["torrent_hash"], row["seeds"]) for row in silver["torrents"]] == [("ABC123", None)]


def test_api_numbers_sent_as_text_are_quarantined_rows_load(silver: dict[str, Any]) -> None:
    tmdb = {
        ("movies", MOVIE[6], "ninety", f"runtime: not a number of minutes {UNKNOWN}"),
        ("movie_financials", MOVIE[6], "a lot", f"budget: not an amount {UNKNOWN}"),
        ("movies", MOVIE[7], '{"score":5}', f"popularity: not a number {UNKNOWN}"),
    }
    found = _found(silver, "tmdb")
    assert {row: found[row] for row in tmdb} == dict.fromkeys(tmdb, 1)
    film_5 = surrogate_id(imdb_id(5))  # its YTS id
    high = ("yts_movies", str(film_5), "high", f"rating: not a number {UNKNOWN}")
    assert _found(silver, "yts")[high] == 1

    film_6, film_7 = silver["movies"][int(MOVIE[6])], silver["movies"][int(MOVIE[7])]
    assert (film_6["source"], film_6["title"], film_6["runtime_minutes"]) == ("tmdb", "Film 6", None)
    assert (film_7["source"], film_7["popularity"], film_7["runtime_minutes"]) == ("tmdb", None, 87)
    assert (silver["yts"][film_5]["title"], silver["yts"][film_5]["rating"]) == ("Film 5", None)
    variants = {name: [column for column in columns if "__v_" in column]
                for name, columns in silver["raw_columns"].items()}  # fmt: skip
    assert variants == {"omdb": [], "tmdb": [], "yts": []}
