"""What the file-source tests share: a minimal kaggle/ + fred/ delivery with the exact headers the
sources expect, and a DuckDB query for reading back what lands."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from extract.fred import CPI_SPEC
from extract.kaggle import KAGGLE_FILES


def _movie(movie_id: str, imdb_id: str, title: str) -> dict[str, str]:
    return {
        "id": movie_id,
        "imdb_id": imdb_id,
        "title": title,
        "genres": "[{'id': 16, 'name': 'Animation'}]",
        "budget": "30000000",
    }


KAGGLE_ROWS: dict[str, list[dict[str, str]]] = {
    "movies_metadata": [
        _movie("862", "tt0114709", "Toy Story"),
        _movie("1997-08-20", "0", ""),  # Kaggle's shifted row: landed as text, judged by Spark
    ],
    "credits": [{"cast": "[{'character': 'Woody',\n'name': 'Tom Hanks'}]", "crew": "[]", "id": "862"}],
    "keywords": [{"id": "862", "keywords": "[{'id': 931, 'name': 'jealousy'}, {'id': 4290, 'name': 'toy'}]"}],
    "links": [
        {"movieId": "1", "imdbId": "0114709", "tmdbId": "862"},
        {"movieId": "2", "imdbId": "0113497", "tmdbId": "8844"},
    ],
    "ratings": [
        {"userId": "1", "movieId": "1", "rating": "4.0", "timestamp": "1260759144"},
        {"userId": "1", "movieId": "2", "rating": "3.5", "timestamp": "1260759179"},
        {"userId": "2", "movieId": "1", "rating": "5.0", "timestamp": "1260759182"},
        {"userId": "2", "movieId": "x", "rating": "5.0", "timestamp": "1260759190"},
    ],
}
CPI_ROWS = [
    {"observation_date": "1995-10-01", "CPIAUCSL": "153.6"},
    {"observation_date": "1995-11-01", "CPIAUCSL": "153.9"},
    {"observation_date": "1995-12-01", "CPIAUCSL": ""},
]


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


def write_source_files(root: Path) -> Path:
    """A minimal kaggle/ + fred/ folder with the exact headers the sources expect."""
    for table, spec in KAGGLE_FILES.items():
        write_csv(root / "kaggle" / f"{table}.csv", spec.columns, KAGGLE_ROWS[table])
    write_csv(root / "fred" / "CPIAUCSL.csv", CPI_SPEC.columns, CPI_ROWS)
    return root


def query(sql: str, *params: object) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(sql, list(params)).fetchall()
