"""Build the deterministic real-data sample (Kaggle, OMDb, FRED shapes) from shipped package data.

Run as `python -m sample.build --out data/sample`."""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from sample.matching import Candidate, MatchResult, build_index, match_titles
from sample.normalise import normalise_title, title_candidates
from sample.readme import render_readme
from sample.shapes import (
    KAGGLE_CREDITS_COLUMNS,
    KAGGLE_METADATA_COLUMNS,
    kaggle_credits_row,
    kaggle_metadata_row,
    omdb_record,
)
from sample.sources import (
    CpiObservation,
    Film,
    load_cpi,
    load_films,
    load_ggplot2_budgets,
    load_movielens_ratings,
)

DEFAULT_OUT = Path("data/sample")
METADATA_FILE = "kaggle/movies_metadata.csv"
CREDITS_FILE = "kaggle/credits.csv"
RATINGS_FILE = "kaggle/ratings.csv"
LINKS_FILE = "kaggle/links.csv"
OMDB_FILE = "omdb/movies.jsonl"
CPI_FILE = "fred/CPIAUCSL.csv"
README_FILE = "README.md"
MANIFEST_FILE = "manifest.json"
RATINGS_COLUMNS = ("userId", "movieId", "rating", "timestamp")
LINKS_COLUMNS = ("movieId", "imdbId", "tmdbId")
CPI_COLUMNS = ("observation_date", "CPIAUCSL")


def _rate(part: int, whole: int) -> float:
    """Share rounded to 4 decimals (stable in JSON and the README)."""
    return round(part / whole, 4) if whole else 0.0


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> int:
    """Write a UTF-8 CSV with `\\n` line endings and minimal quoting; returns the data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[column] for column in columns])
            count += 1
    return count


def write_jsonl(path: Path, records: Iterable[Mapping[str, object]]) -> int:
    """Write compact JSON lines (UTF-8, key order kept as given); returns the line count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sorted_films(films: Iterable[Film]) -> list[Film]:
    """Films in output order: surrogate id, then bokeh ID (two IMDb ids occur twice)."""
    return sorted(films, key=lambda film: (film.surrogate_id, film.bokeh_id))


def match_budgets(films: Sequence[Film], budgets: pd.DataFrame) -> tuple[dict[int, int], dict]:
    """Budget (USD) per bokeh ID from ggplot2movies by normalised title + year, and its stats."""
    index = build_index(
        (int(row.rownames), normalise_title(str(row.title)), int(row.year))
        for row in budgets.itertuples(index=False)
    )
    candidates = [Candidate(film.bokeh_id, [normalise_title(film.title)], film.year) for film in films]
    result: MatchResult[int, int] = match_titles(candidates, index)
    amount = dict(zip(budgets["rownames"].astype(int), budgets["budget"].astype(float), strict=True))
    matched = {left: round(amount[right]) for left, right in result.pairs.items()}
    stats = {
        "films": len(films),
        "ggplot2movies_rows_with_budget": len(budgets),
        "matched": len(matched),
        "matched_exact_year": result.exact_year,
        "matched_year_fallback": result.year_fallback,
        "ambiguous": result.ambiguous,
        "rate": _rate(len(matched), len(films)),
    }
    return matched, stats


def movielens_movies(ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per MovieLens movie (movieId, title, year), sorted by movieId."""
    movies = ratings[["movieId", "title", "year"]].drop_duplicates("movieId")
    return movies.sort_values("movieId").reset_index(drop=True)


def match_links(movies: pd.DataFrame, films: Sequence[Film]) -> MatchResult[int, str]:
    """MovieLens movieId -> IMDb id by normalised title (with alternates) and year."""
    index = build_index((film.imdb_id, normalise_title(film.title), film.year) for film in films)
    candidates = [
        Candidate(int(row.movieId), title_candidates(str(row.title)), int(row.year))
        for row in movies.itertuples(index=False)
        if isinstance(row.title, str) and pd.notna(row.year)
    ]
    return match_titles(candidates, index)


def link_rows(movies: pd.DataFrame, pairs: Mapping[int, str]) -> list[dict[str, str]]:
    """links.csv rows: imdbId as 7+ zero-padded digits, tmdbId the sample surrogate."""
    rows = []
    for movie_id in movies["movieId"].astype(int):
        imdb = pairs.get(movie_id)
        digits = imdb.removeprefix("tt") if imdb else ""
        rows.append(
            {
                "movieId": str(movie_id),
                "imdbId": digits.zfill(7) if digits else "",
                "tmdbId": str(int(digits)) if digits else "",
            }
        )
    return rows


def link_stats(
    result: MatchResult[int, str], ratings: pd.DataFrame, movies: pd.DataFrame, years: range
) -> dict:
    """Match rates for links: movies matched and the share of ratings they cover."""
    covered = int(ratings["movieId"].isin(list(result.pairs)).sum())
    in_years = int(movies["year"].between(years.start, years.stop - 1).sum())
    return {
        "movielens_movies": len(movies),
        "movies_in_source_years": in_years,
        "source_years": f"{years.start}-{years.stop - 1}",
        "matched": len(result.pairs),
        "matched_exact_year": result.exact_year,
        "matched_year_fallback": result.year_fallback,
        "ambiguous": result.ambiguous,
        "rate": _rate(len(result.pairs), len(movies)),
        "ratings": len(ratings),
        "ratings_covered": covered,
        "ratings_covered_rate": _rate(covered, len(ratings)),
    }


def rating_rows(ratings: pd.DataFrame) -> list[dict[str, str]]:
    """ratings.csv rows sorted by userId, movieId, timestamp; ratings printed as 2.5 / 3.0."""
    ordered = ratings.sort_values(["userId", "movieId", "timestamp"], kind="mergesort")
    return [
        {
            "userId": str(int(user)),
            "movieId": str(int(movie)),
            "rating": repr(float(rating)),
            "timestamp": str(int(stamp)),
        }
        for user, movie, rating, stamp in zip(
            ordered["userId"],
            ordered["movieId"],
            ordered["rating"],
            ordered["timestamp"],
            strict=True,
        )
    ]


def cpi_rows(observations: Iterable[CpiObservation]) -> list[dict[str, str]]:
    """FRED CSV rows: first-of-month date, value with 3 decimals, empty when not published."""
    return [
        {
            "observation_date": f"{obs.year:04d}-{obs.month:02d}-01",
            "CPIAUCSL": f"{obs.value:.3f}" if obs.value is not None else "",
        }
        for obs in observations
    ]


def film_years(films: Sequence[Film]) -> range:
    """Release years the bokeh films span (inclusive range as a Python range)."""
    years = [film.year for film in films]
    return range(min(years), max(years) + 1)


def unique_by_imdb(films: Sequence[Film]) -> list[Film]:
    """One film per IMDb id (the lowest bokeh ID wins), sorted by IMDb id, for the OMDb file."""
    chosen: dict[str, Film] = {}
    for film in sorted(films, key=lambda item: item.bokeh_id):
        chosen.setdefault(film.imdb_id, film)
    return [chosen[imdb] for imdb in sorted(chosen)]


def file_entry(out_dir: Path, relative: str, rows: int) -> dict[str, object]:
    """Manifest entry for one written file."""
    return {"rows": rows, "sha256": sha256_file(out_dir / relative)}


def omdb_stats(films: Sequence[Film], omdb_films: Sequence[Film]) -> dict:
    """How many bokeh rows share an IMDb id (the OMDb file keeps one line per id)."""
    counts = Counter(film.imdb_id for film in films)
    return {
        "films": len(films),
        "distinct_imdb_ids": len(omdb_films),
        "duplicated_imdb_ids": sorted(imdb for imdb, count in counts.items() if count > 1),
        "release_dates_on_jan_1": sum(film.released.endswith("-01-01") for film in films),
    }


def cpi_stats(cpi: Sequence[Mapping[str, str]]) -> dict:
    """First/last month of the CPI file and the months BLS published no value for."""
    return {
        "first_month": cpi[0]["observation_date"],
        "last_month": cpi[-1]["observation_date"],
        "months": len(cpi),
        "months_without_value": [row["observation_date"] for row in cpi if not row["CPIAUCSL"]],
    }


def revenue_stats(films: Sequence[Film]) -> dict:
    """How many films have a tomatoes.BoxOffice value (written as revenue)."""
    with_revenue = sum(film.box_office is not None for film in films)
    return {
        "films": len(films),
        "with_box_office": with_revenue,
        "rate": _rate(with_revenue, len(films)),
    }


def write_manifest(out_dir: Path, rows: Mapping[str, int], stats: Mapping[str, object]) -> dict:
    """Write manifest.json (file -> rows and sha256, plus match stats; sorted keys)."""
    manifest = {
        "files": {name: file_entry(out_dir, name, count) for name, count in sorted(rows.items())},
        "match_stats": dict(stats),
    }
    (out_dir / MANIFEST_FILE).write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
        newline="\n",
    )
    return manifest


def build_sample(out_dir: Path) -> dict:
    """Write every sample file under `out_dir` and return the manifest (also written)."""
    films = sorted_films(load_films())
    ratings = load_movielens_ratings()
    movies = movielens_movies(ratings)
    budgets, budget_stats = match_budgets(films, load_ggplot2_budgets())
    links = match_links(movies, films)
    omdb_films = unique_by_imdb(films)
    cpi = cpi_rows(load_cpi())
    metadata = (kaggle_metadata_row(film, budgets.get(film.bokeh_id, 0)) for film in films)
    rows = {
        METADATA_FILE: write_csv(out_dir / METADATA_FILE, KAGGLE_METADATA_COLUMNS, metadata),
        CREDITS_FILE: write_csv(
            out_dir / CREDITS_FILE, KAGGLE_CREDITS_COLUMNS, map(kaggle_credits_row, films)
        ),
        RATINGS_FILE: write_csv(out_dir / RATINGS_FILE, RATINGS_COLUMNS, rating_rows(ratings)),
        LINKS_FILE: write_csv(out_dir / LINKS_FILE, LINKS_COLUMNS, link_rows(movies, links.pairs)),
        OMDB_FILE: write_jsonl(out_dir / OMDB_FILE, map(omdb_record, omdb_films)),
        CPI_FILE: write_csv(out_dir / CPI_FILE, CPI_COLUMNS, cpi),
    }
    stats = {
        "budgets": budget_stats,
        "cpi": cpi_stats(cpi),
        "links": link_stats(links, ratings, movies, film_years(films)),
        "omdb": omdb_stats(films, omdb_films),
        "revenue": revenue_stats(films),
    }
    readme = render_readme(rows, stats)
    (out_dir / README_FILE).write_text(readme, encoding="utf-8", newline="\n")
    rows[README_FILE] = readme.count("\n")
    return write_manifest(out_dir, rows, stats)


def main(argv: list[str] | None = None) -> int:
    """CLI: build the sample into --out (default data/sample) and print a one-line summary."""
    parser = argparse.ArgumentParser(description="Build the deterministic real-data sample.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    manifest = build_sample(args.out)
    links = manifest["match_stats"]["links"]
    print(
        f"wrote {len(manifest['files'])} files to {args.out}; links matched "
        f"{links['matched']}/{links['movielens_movies']} movies "
        f"({links['ratings_covered_rate']:.1%} of ratings)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
