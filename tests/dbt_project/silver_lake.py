"""A small, hand-checked silver lake for the dbt project tests.

Rows follow docs/lake_layout.md exactly (bigint ids, date, timestamp `_loaded_at`) and are written
as Iceberg tables in the lake's catalog (tests/silver_tables.py), so the dbt project reads them the
way it reads Spark's output. Expected mart values are worked out in
test_dbt_build.py next to the assertions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from tests.silver_tables import write_silver_tables

# Loads: L0 is an older load (superseded rows), L1 the first full batch, L2 the second batch.
L0 = datetime(2024, 1, 5)
L1 = datetime(2024, 1, 10)
L2 = datetime(2024, 1, 20)
# A third load, long after the lookback window of L2: only late dimension rows arrive in it.
L3 = datetime(2024, 1, 30)
# Late row inside the 3-day lookback of L1 (picked up by the incremental run) ...
LATE_INSIDE_LOOKBACK = datetime(2024, 1, 9)
# ... and one outside it (only a full refresh would see it).
LATE_OUTSIDE_LOOKBACK = datetime(2024, 1, 1)

# Silver column lists with the contract's types, in contract order.
SCHEMAS: dict[str, str] = {
    "movies": """
        movie_id bigint, imdb_id varchar, title varchar, original_title varchar,
        original_language varchar, overview varchar, status varchar, release_date date,
        release_year integer, runtime_minutes integer, popularity double, vote_average double,
        vote_count bigint, collection_id bigint, collection_name varchar, _loaded_at timestamp
    """,
    "movie_genres": "movie_id bigint, genre_id bigint, genre_name varchar, _loaded_at timestamp",
    "movie_links": """
        movielens_movie_id bigint, imdb_id varchar, tmdb_id bigint, _loaded_at timestamp
    """,
    "ratings": """
        user_id bigint, movielens_movie_id bigint, movie_id bigint, rating double,
        rated_at timestamp, _loaded_at timestamp
    """,
    "cpi_monthly": "month date, cpi double, _loaded_at timestamp",
    "movie_financials": """
        movie_id bigint, release_date date, release_month date, budget_nominal double,
        revenue_nominal double, cpi_release double, cpi_base double, base_month date,
        inflation_factor double, budget_adjusted double, revenue_adjusted double,
        _loaded_at timestamp
    """,
    "quarantine": """
        layer varchar, source varchar, entity varchar, record_key varchar, raw_value varchar,
        reason varchar, movie_id bigint, _loaded_at timestamp
    """,
    "movie_cast": """
        movie_id bigint, person_key varchar, person_id bigint, person_name varchar,
        "character" varchar, billing_order integer, gender integer, source varchar,
        _loaded_at timestamp
    """,
    "movie_crew": """
        movie_id bigint, person_key varchar, person_id bigint, person_name varchar,
        department varchar, job varchar, gender integer, source varchar, _loaded_at timestamp
    """,
    "people": """
        person_key varchar, person_id bigint, person_name varchar, gender integer,
        _loaded_at timestamp
    """,
    "movie_companies": """
        movie_id bigint, company_key varchar, company_id bigint, company_name varchar,
        source varchar, _loaded_at timestamp
    """,
    "companies": "company_key varchar, company_id bigint, company_name varchar, _loaded_at timestamp",
    "movie_languages": """
        movie_id bigint, language_code varchar, language_name varchar, source varchar,
        _loaded_at timestamp
    """,
    "movie_external_ids": "movie_id bigint, id_source varchar, external_id varchar, _loaded_at timestamp",
    "collections": "collection_id bigint, collection_name varchar, _loaded_at timestamp",
    "omdb_ratings": """
        imdb_id varchar, source varchar, value varchar, score double, _loaded_at timestamp
    """,
    "omdb_movies": """
        imdb_id varchar, title varchar, year integer, rated varchar, metascore integer,
        imdb_rating double, imdb_votes bigint, awards varchar, box_office_usd bigint,
        _loaded_at timestamp
    """,
    "movie_countries": """
        movie_id bigint, country_code varchar, country_name varchar, source varchar,
        _loaded_at timestamp
    """,
    "movie_keywords": "movie_id bigint, keyword_id bigint, keyword_name varchar, _loaded_at timestamp",
    "movie_release_dates": """
        movie_id bigint, country varchar, certification varchar, release_date date, type integer,
        note varchar, _loaded_at timestamp
    """,
    "yts_movies": """
        yts_id bigint, imdb_id varchar, title varchar, year integer, rating double,
        runtime_minutes integer, genres varchar[], uploaded_at timestamp, _loaded_at timestamp
    """,
    "yts_torrents": """
        yts_id bigint, torrent_hash varchar, quality varchar, type varchar, video_codec varchar,
        seeds integer, peers integer, size_bytes bigint, uploaded_at timestamp, url varchar,
        _loaded_at timestamp
    """,
    "movie_ids": """
        movie_id bigint, imdb_id varchar, movielens_movie_id bigint, yts_id bigint,
        in_omdb boolean, _loaded_at timestamp
    """,
    "movie_id_conflicts": """
        conflict varchar, id_value varchar, candidates varchar[], candidate_count integer,
        _loaded_at timestamp
    """,
}

Row = tuple[object, ...]


def _movie(
    movie_id: int,
    imdb_id: str,
    title: str,
    release_date: date,
    runtime: int,
    collection: tuple[int, str] | None,
    loaded_at: datetime,
) -> Row:
    collection_id, collection_name = collection if collection else (None, None)
    return (
        movie_id, imdb_id, title, title, "en", f"Overview of {title}.", "Released",
        release_date, release_date.year, runtime, 10.5, 7.1, 1000, collection_id,
        collection_name, loaded_at,
    )  # fmt: skip


MOVIES_BATCH_1: list[Row] = [
    _movie(862, "tt0114709", "Toy Story", date(1995, 10, 30), 81,
           (10194, "Toy Story Collection"), L1),
    _movie(8844, "tt0113497", "Jumanji", date(1995, 12, 15), 104, None, L1),
    # An older copy of Jumanji: staging keeps the L1 row.
    _movie(8844, "tt0113497", "Jumanji (old title)", date(1995, 12, 15), 104, None, L0),
    _movie(15602, "tt0113228", "Grumpier Old Men", date(1995, 12, 22), 101,
           (119050, "Grumpy Old Men Collection"), L1),
    _movie(31357, "tt0114885", "Waiting to Exhale", date(1995, 12, 22), 127, None, L1),
    _movie(11862, "tt0113041", "Father of the Bride Part II", date(1995, 2, 10), 106,
           (96871, "Father of the Bride Collection"), L1),
    # Second films of two collections (franchise reports); no genres and no ratings, so the genre
    # and rating marts are the same as without them.
    _movie(863, "tt0120363", "Toy Story 2", date(1999, 11, 24), 92,
           (10194, "Toy Story Collection"), L1),
    _movie(11520, "tt0107050", "Grumpy Old Men", date(1993, 12, 22), 103,
           (119050, "Grumpy Old Men Collection"), L1),
]  # fmt: skip

# Waiting to Exhale re-delivered by the second batch with only its overview changed: a column the
# snapshot does not track, so it must not record a new version.
WAITING_TO_EXHALE_RELOADED: Row = (
    *MOVIES_BATCH_1[4][:5],
    "A new overview of Waiting to Exhale.",
    *MOVIES_BATCH_1[4][6:-1],
    L2,
)

GENRES: list[Row] = [
    (862, 16, "Animation", L1), (862, 35, "Comedy", L1), (862, 10751, "Family", L1),
    (8844, 12, "Adventure", L1), (8844, 14, "Fantasy", L1), (8844, 10751, "Family", L1),
    (15602, 10749, "Romance", L1), (15602, 35, "Comedy", L1),
    (31357, 35, "Comedy", L1), (31357, 18, "Drama", L1), (31357, 10749, "Romance", L1),
    (11862, 35, "Comedy", L1),
    # A genre row for a movie that is not in the catalog: a genre, but no bridge row.
    (999999, 27, "Horror", L1),
]  # fmt: skip

LINKS: list[Row] = [
    (1, "tt0114709", 862, L1), (2, "tt0113497", 8844, L1), (3, "tt0113228", 15602, L1),
    (4, "tt0114885", 31357, L1), (5, "tt0113041", 11862, L1),
    (6, "tt0000006", None, L1),  # MovieLens movie without a TMDB id
    (7, "tt0000007", 424242, L1),  # TMDB id that is not in the catalog
]  # fmt: skip


def _rating(user: int, ml_movie: int, movie_id: int | None, rating: float,
            loaded_at: datetime = L1) -> Row:  # fmt: skip
    return (user, ml_movie, movie_id, rating, datetime(2015, 3, user, 12, ml_movie), loaded_at)


RATINGS_BATCH_1: list[Row] = [
    # MovieLens 1 = Toy Story (862): 8 ratings, sum 38, average 4.75.
    _rating(1, 1, 862, 5.0), _rating(2, 1, 862, 5.0), _rating(3, 1, 862, 5.0),
    _rating(4, 1, 862, 4.0), _rating(5, 1, 862, 5.0), _rating(6, 1, 862, 5.0),
    _rating(7, 1, 862, 4.0), _rating(8, 1, 862, 5.0),
    # MovieLens 2 = Jumanji (8844): 4 ratings, sum 12. User 4's row was not resolved by Spark
    # (movie_id null) and is resolved through movie_links in dbt.
    _rating(1, 2, 8844, 3.0), _rating(2, 2, 8844, 3.0), _rating(3, 2, 8844, 4.0),
    _rating(4, 2, None, 2.0),
    # MovieLens 3 = Grumpier Old Men (15602): 3 ratings, all 5.0.
    _rating(1, 3, 15602, 5.0), _rating(2, 3, 15602, 5.0), _rating(3, 3, 15602, 5.0),
    # MovieLens 4 and 5: fewer than min_votes=3 ratings, never ranked.
    _rating(1, 4, 31357, 2.0),
    _rating(1, 5, 11862, 1.0), _rating(2, 5, 11862, 2.0),
    # Unresolved: no TMDB id (6), and a TMDB id outside the catalog (7).
    _rating(1, 6, None, 3.0),
    _rating(2, 7, 424242, 4.0),
]  # fmt: skip


def latest_per_pair(rows: list[Row]) -> list[Row]:
    """Ratings as Spark publishes them: one row per (user, MovieLens movie), the latest load's."""
    latest: dict[tuple[object, object], Row] = {}
    for row in sorted(rows, key=lambda row: row[-1]):
        latest[(row[0], row[1])] = row
    return list(latest.values())


RATINGS_BATCH_2_EXTRA: list[Row] = [
    _rating(1, 2, 8844, 5.0, L2),  # user 1 changes Jumanji from 3.0 to 5.0
    _rating(9, 3, 15602, 4.0, L2),  # new user rates Grumpier Old Men
    _rating(5, 2, 8844, 5.0, LATE_INSIDE_LOOKBACK),  # late, inside the lookback window
    _rating(6, 2, 8844, 1.0, LATE_OUTSIDE_LOOKBACK),  # late, outside the lookback window
]

CPI: list[Row] = [
    (date(1995, 10, 1), 153.5, L1), (date(1995, 12, 1), 153.9, L1),
    (date(2024, 1, 1), 308.4, L1),
]  # fmt: skip


def _financials(movie_id: int, release: date, budget: float | None,
                revenue: float | None) -> Row:  # fmt: skip
    factor = 2.0
    return (
        movie_id, release, release.replace(day=1), budget, revenue, 154.2, 308.4,
        date(2024, 1, 1), factor, None if budget is None else budget * factor,
        None if revenue is None else revenue * factor, L1,
    )  # fmt: skip


FINANCIALS: list[Row] = [
    _financials(862, date(1995, 10, 30), 30_000_000.0, 373_554_033.0),
    _financials(8844, date(1995, 12, 15), 65_000_000.0, 262_797_249.0),
    _financials(15602, date(1995, 12, 22), None, 71_500_000.0),  # budget unknown
    _financials(31357, date(1995, 12, 22), 16_000_000.0, 81_452_156.0),
    _financials(11862, date(1995, 2, 10), 12_000_000.0, None),  # revenue unknown
    _financials(863, date(1999, 11, 24), 90_000_000.0, 497_366_869.0),
    _financials(11520, date(1993, 12, 22), 25_000_000.0, 70_172_621.0),
]

QUARANTINE: list[Row] = [
    ("raw", "kaggle", "movies", "1997-08-20", "1997-08-20", "movie_id is not an integer", None, L1),
    ("silver", "kaggle", "ratings", "3|99", "rating=7.0", "rating out of range", None, L1),
    # The same rejection delivered by an older load: staging keeps one.
    ("silver", "kaggle", "ratings", "3|99", "rating=7.0", "rating out of range", None, L0),
    # A value of a movie silver holds: the row names the movie.
    ("silver", "kaggle", "movie_genres", "862", "[{'id': 16,", "genres: not a literal", 862, L1),
]


# People: (key, TMDB id, name, gender). Pat Fixture is a name-only person (the sample's case) who
# co-directs Jumanji and Grumpier Old Men: the one director with two films of at least min_votes.
HANKS, ALLEN = ("tmdb:31", 31, "Tom Hanks", 2), ("tmdb:12898", 12898, "Tim Allen", 2)
WILLIAMS, MATTHAU = ("tmdb:2157", 2157, "Robin Williams", 2), ("tmdb:6837", 6837, "Walter Matthau", 2)
LEMMON, HOUSTON = (
    ("tmdb:3151", 3151, "Jack Lemmon", 2),
    ("name:Whitney Houston", None, "Whitney Houston", None),
)
LASSETER, JOHNSTON = ("tmdb:7879", 7879, "John Lasseter", 2), ("tmdb:4945", 4945, "Joe Johnston", 2)
DEUTCH, FIXTURE = ("tmdb:26502", 26502, "Howard Deutch", 2), ("name:Pat Fixture", None, "Pat Fixture", None)


def _cast(movie_id: int, person: tuple, character: str | None, order: int | None) -> Row:
    key, person_id, name, gender = person
    return (movie_id, key, person_id, name, character, order, gender, "tmdb", L1)


def _crew(movie_id: int, person: tuple, job: str = "Director") -> Row:
    key, person_id, name, gender = person
    return (movie_id, key, person_id, name, "Directing", job, gender, "tmdb", L1)


CAST: list[Row] = [
    _cast(862, HANKS, "Woody (voice)", 0), _cast(862, ALLEN, "Buzz Lightyear (voice)", 1),
    _cast(863, HANKS, "Woody (voice)", 0), _cast(863, ALLEN, "Buzz Lightyear (voice)", 1),
    _cast(8844, WILLIAMS, "Alan Parrish", 0),
    _cast(15602, MATTHAU, "Max Goldman", 0), _cast(15602, LEMMON, "John Gustafson", 1),
    _cast(11520, LEMMON, "John Gustafson", 0), _cast(11520, MATTHAU, "Max Goldman", 1),
    _cast(31357, HOUSTON, None, None),  # known only by name, character and billing unknown
]  # fmt: skip
CREW: list[Row] = [
    _crew(862, LASSETER), _crew(863, LASSETER), _crew(8844, JOHNSTON), _crew(8844, FIXTURE),
    _crew(15602, DEUTCH), _crew(15602, FIXTURE), _crew(862, LASSETER, "Screenplay"),
]  # fmt: skip
PEOPLE: list[Row] = [
    (*person, L1)
    for person in (HANKS, ALLEN, WILLIAMS, MATTHAU, LEMMON, HOUSTON, LASSETER, JOHNSTON, DEUTCH, FIXTURE)
]
COMPANIES: list[Row] = [
    ("tmdb:3", 3, "Pixar Animation Studios", L1), ("tmdb:559", 559, "TriStar Pictures", L1),
    ("name:Warner Bros.", None, "Warner Bros.", L1),
]  # fmt: skip
MOVIE_COMPANIES: list[Row] = [
    (862, "tmdb:3", 3, "Pixar Animation Studios", "tmdb", L1),
    (863, "tmdb:3", 3, "Pixar Animation Studios", "tmdb", L1),
    (8844, "tmdb:559", 559, "TriStar Pictures", "tmdb", L1),
    (15602, "name:Warner Bros.", None, "Warner Bros.", "kaggle", L1),
]
MOVIE_LANGUAGES: list[Row] = [
    (862, "en", "English", "tmdb", L1), (8844, "en", "English", "tmdb", L1),
    (8844, "fr", "Français", "tmdb", L1), (15602, "en", "English", "kaggle", L1),
]  # fmt: skip
COLLECTIONS: list[Row] = [
    (10194, "Toy Story Collection", L1), (119050, "Grumpy Old Men Collection", L1),
    (96871, "Father of the Bride Collection", L1),
]  # fmt: skip
OMDB_RATINGS: list[Row] = [
    ("tt0114709", "Internet Movie Database", "8.3/10", 83.0, L1),
    ("tt0114709", "Rotten Tomatoes", "100%", 100.0, L1),
    ("tt0114709", "Metacritic", "95/100", 95.0, L1),
    ("tt0113497", "Internet Movie Database", "7.0/10", 70.0, L1),
    ("tt0113497", "Rotten Tomatoes", "52%", 52.0, L1),
    ("tt9999999", "Rotten Tomatoes", "10%", 10.0, L1),  # no movie has this IMDb id
]
OMDB_MOVIES: list[Row] = [
    ("tt0114709", "Toy Story", 1995, "G", 95, 8.3, 1_071_000, "Nominated for 3 Oscars.", 223_225_679, L1),
    ("tt0113497", "Jumanji", 1995, "PG", 39, 7.0, 375_000, None, 100_499_940, L1),
    ("tt9999999", "Not Catalogued", 2001, None, None, 5.0, 10, None, None, L1),  # no movie has it
]
MOVIE_COUNTRIES: list[Row] = [
    (862, "US", "United States of America", "tmdb", L1), (8844, "US", "United States of America", "tmdb", L1),
    (8844, "CA", "Canada", "tmdb", L1), (15602, "US", "United States of America", "kaggle", L1),
    (5555, "FR", "France", "tmdb", L1),  # not a catalog movie: in dim_countries, not in the bridge
]  # fmt: skip
MOVIE_KEYWORDS: list[Row] = [
    (862, 931, "jealousy", L1), (862, 4290, "toy", L1), (863, 4290, "toy", L1),
    (8844, 10090, "board game", L1),
]  # fmt: skip
MOVIE_RELEASE_DATES: list[Row] = [
    (862, "US", None, date(1995, 11, 19), 1, "Premiere", L1),
    (862, "US", "G", date(1995, 11, 22), 3, None, L1),
    (862, "DE", "0", date(1996, 3, 14), 3, None, L1),
    (8844, "US", "PG", date(1995, 12, 15), 3, None, L1),
]
YTS_MOVIES: list[Row] = [
    (100, "tt0114709", "Toy Story", 1995, 8.3, 81, ["Animation", "Comedy"], datetime(2015, 1, 1), L1),
    (200, "tt7777777", "Not Catalogued", 2001, 6.0, None, [], datetime(2016, 1, 1), L1),
]
YTS_TORRENTS: list[Row] = [
    (100, "ABC123", "720p", "bluray", "x264", 10, 2, 800_000_000, datetime(2015, 1, 1), "u/ABC123", L1),
    (100, "DEF456", "1080p", "bluray", "x264", 25, 3, 1_600_000_000, datetime(2015, 1, 1), "u/DEF456", L1),
    (200, "AAA111", "720p", "web", "x264", 1, 0, 700_000_000, datetime(2016, 1, 1), "u/AAA111", L1),
]
MOVIE_IDS: list[Row] = [
    (862, "tt0114709", 1, 100, True, L1), (8844, "tt0113497", 2, None, True, L1),
    (15602, "tt0113228", 3, None, False, L1), (31357, "tt0114885", 4, None, False, L1),
    (11862, "tt0113041", 5, None, False, L1), (863, "tt0120363", None, None, False, L1),
    (11520, "tt0107050", None, None, False, L1),
]  # fmt: skip


# Evidence the crosswalk settled by keeping one id (YTS 100 for Toy Story, TMDB's IMDb id for 11862).
MOVIE_ID_CONFLICTS: list[Row] = [
    ("imdb_id -> several yts_id", "tt0114709", ["100", "101"], 2, L1),
    ("movie_id -> several imdb_id", "11862", ["tt0113041", "tt0999999"], 2, L1),
]

MOVIE_EXTERNAL_IDS: list[Row] = [
    (862, "imdb", "tt0114709", L1), (862, "wikidata", "Q171048", L1), (8844, "wikidata", "Q207451", L1),
    (8844, "wikidata", "Q207451", L1),  # delivered twice: one row
    (5555, "wikidata", "Q1", L1),  # not a catalog movie: not in the mart
]  # fmt: skip


@dataclass(frozen=True)
class SilverBatch:
    """Full contents of every silver entity at one point in time (silver is rewritten whole)."""

    tables: dict[str, list[Row]]


BATCH_1 = SilverBatch(
    tables={
        "movies": MOVIES_BATCH_1,
        "movie_genres": GENRES,
        "movie_links": LINKS,
        "ratings": RATINGS_BATCH_1,
        "cpi_monthly": CPI,
        "movie_financials": FINANCIALS,
        "quarantine": QUARANTINE,
        "movie_cast": CAST,
        "movie_crew": CREW,
        "people": PEOPLE,
        "movie_companies": MOVIE_COMPANIES,
        "companies": COMPANIES,
        "movie_languages": MOVIE_LANGUAGES,
        "collections": COLLECTIONS,
        "omdb_ratings": OMDB_RATINGS,
        "omdb_movies": OMDB_MOVIES,
        "movie_ids": MOVIE_IDS,
        "movie_id_conflicts": MOVIE_ID_CONFLICTS,
        "movie_external_ids": MOVIE_EXTERNAL_IDS,
        "movie_countries": MOVIE_COUNTRIES,
        "movie_keywords": MOVIE_KEYWORDS,
        "movie_release_dates": MOVIE_RELEASE_DATES,
        "yts_movies": YTS_MOVIES,
        "yts_torrents": YTS_TORRENTS,
    }
)

JUMANJI_RETITLED: Row = _movie(8844, "tt0113497", "Jumanji (1995)", date(1995, 12, 15), 104, None, L2)
JUMANJI_RESCORED: Row = ("tt0113497", "Rotten Tomatoes", "54%", 54.0, L2)  # replaces the 52% of L1
JUMANJI_METACRITIC: Row = ("tt0113497", "Metacritic", "39/100", 39.0, L2)  # a new source for Jumanji

# Rows the second batch holds twice, as a retried load leaves them (the same key and load): staging
# keeps one, so no MERGE of an incremental mart gets two source rows for a key. Each reaches one:
# Jumanji's new title (dim_movies, a key it holds), Jumanji's crosswalk row (joined by dim_movies
# and fct_critic_scores), MovieLens 2's link (fct_ratings resolves user 1's re-rating, a held key,
# and user 5's late rating, a new one, through it), Toy Story's financials (re-read inside the
# lookback window) and both Jumanji scores (one held key, one new). Silver ratings are not among
# them: Spark keeps one row per pair, and staging's key test stops a build when it does not.
RETRIED: dict[str, list[Row]] = {
    "movies": [JUMANJI_RETITLED],
    "movie_ids": [MOVIE_IDS[1]],
    "movie_links": [LINKS[1]],
    "movie_financials": [FINANCIALS[0]],
    "omdb_ratings": [JUMANJI_RESCORED, JUMANJI_METACRITIC],
}

BATCH_2 = SilverBatch(
    tables={
        **BATCH_1.tables,
        "movies": [*MOVIES_BATCH_1, JUMANJI_RETITLED, WAITING_TO_EXHALE_RELOADED, *RETRIED["movies"]],
        "movie_ids": [*MOVIE_IDS, *RETRIED["movie_ids"]],
        "movie_links": [*LINKS, *RETRIED["movie_links"]],
        "movie_financials": [*FINANCIALS, *RETRIED["movie_financials"]],
        "ratings": latest_per_pair([*RATINGS_BATCH_1, *RATINGS_BATCH_2_EXTRA]),
        "omdb_ratings": [*OMDB_RATINGS, JUMANJI_RESCORED, JUMANJI_METACRITIC, *RETRIED["omdb_ratings"]],
    }
)

# BATCH_2 without its rating loaded before the lookback window (LATE_OUTSIDE_LOOKBACK), the one kind
# of row an incremental build may miss: incremental marts over it must equal a full refresh.
BATCH_2_IN_WINDOW = replace(
    BATCH_2,
    tables={**BATCH_2.tables,
            "ratings": [row for row in BATCH_2.tables["ratings"] if row[-1] != LATE_OUTSIDE_LOOKBACK]},
)  # fmt: skip


# Late dimension rows (L3): the catalog movie that MovieLens 7's ratings point at (TMDB 424242,
# IMDb tt9999999, which also owns the orphaned OMDb score), and a crosswalk row that gives
# MovieLens 6 a TMDB id (Grumpy Old Men). The facts that resolve through them were loaded in L1,
# outside the lookback window of a build over BATCH_2, so only a re-resolution brings them in.
LATE_MOVIE: Row = _movie(424242, "tt9999999", "Late Arrival", date(2001, 6, 15), 95, None, L3)
BATCH_3 = SilverBatch(
    tables={
        **BATCH_2.tables,
        "movies": [*BATCH_2.tables["movies"], LATE_MOVIE],
        "movie_links": [*LINKS, (6, "tt0107050", 11520, L3), (7, "tt9999999", 424242, L3)],
        "movie_ids": [
            *MOVIE_IDS,
            (11520, "tt0107050", 6, None, False, L3),
            (424242, "tt9999999", 7, None, True, L3),
        ],
    }
)


def _as_spark_writes(con: duckdb.DuckDBPyConnection, entity: str) -> pa.Table:
    """The rows of DuckDB table `entity` with each plain timestamp as a `timestamptz` UTC instant,
    the type Spark writes silver's timestamps as (the connection's zone must be UTC)."""
    timestamps = con.execute(
        "select column_name from duckdb_columns() where table_name = ? and data_type = 'TIMESTAMP'",
        [entity],
    ).fetchall()
    instants = ", ".join(f'cast("{column}" as timestamptz) as "{column}"' for (column,) in timestamps)
    replaced = f" replace ({instants})" if instants else ""
    return con.execute(f"select *{replaced} from {entity}").arrow().read_all()


def write_silver(lake: Path, batch: SilverBatch) -> None:
    """Write every silver entity of `batch` as an Iceberg table of the lake's catalog, replacing its
    rows (one commit per entity); entities the batch does not hold are left as they are."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        tables: dict[str, pa.Table] = {}
        for entity, rows in batch.tables.items():
            con.execute(f"create or replace table {entity} ({SCHEMAS[entity]})")
            placeholders = ", ".join("?" for _ in rows[0])
            con.executemany(f"insert into {entity} values ({placeholders})", rows)
            tables[entity] = _as_spark_writes(con, entity)
    finally:
        con.close()
    write_silver_tables(lake, tables)
