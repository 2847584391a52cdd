"""A small sample in the real shapes (OMDb JSONL, Kaggle CSVs) for the replay server and API sources."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from sample.replay import Catalog, Faults, ReplayServer
from sample.shapes import KAGGLE_METADATA_COLUMNS


def omdb_record(number: int) -> dict[str, Any]:
    """An OMDb `?i=` response for film `number` (year and release day vary with it)."""
    year = 1950 + number % 60
    return {
        "Title": f"Film {number}", "Year": str(year), "Rated": "N/A",
        "Released": f"{1 + number % 28:02d} Mar {year}", "Runtime": f"{80 + number % 40} min",
        "Genre": "Drama, Comedy", "Director": "A Director", "Writer": "A Writer", "Actors": "A, B",
        "Plot": "N/A", "Language": "English", "Country": "United States", "Awards": "N/A", "Poster": "N/A",
        "Ratings": [{"Source": "Rotten Tomatoes", "Value": f"{number % 100}%"}], "Metascore": "N/A",
        "imdbRating": "N/A", "imdbVotes": "N/A", "imdbID": imdb_id(number), "Type": "movie",
        "DVD": "N/A", "BoxOffice": "N/A", "Production": "N/A", "Website": "N/A", "Response": "True",
    }  # fmt: skip


def imdb_id(number: int) -> str:
    return f"tt{1000000 + number:07d}"


def kaggle_row(number: int) -> dict[str, str]:
    """The Kaggle-shaped movies_metadata row the sample builder would write for film `number`."""
    record = omdb_record(number)
    return dict.fromkeys(KAGGLE_METADATA_COLUMNS, "") | {
        "id": str(1000000 + number),
        "imdb_id": record["imdbID"],
        "title": record["Title"],
        "release_date": f"{record['Year']}-03-{1 + number % 28:02d}",
        "genres": "[{'id': 18, 'name': 'Drama'}, {'id': None, 'name': 'Biography'}]",
        "production_companies": "[{'name': 'RKO Pictures', 'id': None}]",
        "production_countries": "[{'iso_3166_1': 'US', 'name': 'United States of America'}]",
        "spoken_languages": "[{'iso_639_1': 'en', 'name': 'English'}]",
        "budget": str(number * 1000),
        "revenue": "0",
        "runtime": f"{80 + number % 40}.0",
    }


def write_sample(root: Path, films: int) -> Path:
    """omdb/movies.jsonl and kaggle/{movies_metadata,credits}.csv for `films` films."""
    (root / "omdb").mkdir(parents=True, exist_ok=True)
    (root / "kaggle").mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(omdb_record(number)) for number in range(films)]
    (root / "omdb" / "movies.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _write_csv(root / "kaggle" / "movies_metadata.csv", KAGGLE_METADATA_COLUMNS,
               [kaggle_row(number) for number in range(films)])  # fmt: skip
    credits = [{"cast": "[{'name': 'A', 'order': None}]", "crew": "[]", "id": str(1000000 + n)}
               for n in range(films)]  # fmt: skip
    _write_csv(root / "kaggle" / "credits.csv", ("cast", "crew", "id"), credits)
    return root


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


@dataclass
class Api:
    """A running replay server over a small sample, and where its loads land."""

    server: ReplayServer
    lake: Path
    pipelines: Path

    @property
    def catalog(self) -> Catalog:
        return self.server.catalog

    @property
    def faults(self) -> Faults:
        return self.server.faults

    def rows(self, dataset: str, table: str, columns: str = "*", order: str = "1") -> list[tuple]:
        query = f"select {columns} from read_parquet(?, union_by_name = true) order by {order}"
        with duckdb.connect() as con:
            return con.execute(query, [raw_files(self.lake, dataset, table)]).fetchall()


def raw_files(lake: Path, dataset: str, table: str) -> str:
    """The glob of a raw table's parquet files."""
    return (lake / "raw" / dataset / table).as_posix() + "/*.parquet"


def raw_columns(lake: Path, dataset: str, table: str) -> list[str]:
    """The columns of a raw table over all its files, in name order."""
    with duckdb.connect() as con:
        found = con.execute(
            "select * from read_parquet(?, union_by_name = true) limit 0", [raw_files(lake, dataset, table)]
        )
        return sorted(column[0] for column in found.description)
