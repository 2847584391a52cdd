"""dlt source for Kaggle's "The Movies Dataset" CSV files (movies, credits, keywords, links, ratings).

Values are landed as read: the Python-literal list columns and the Kaggle defects (shifted
columns, non-numeric ids) reach raw/ untouched and are parsed or quarantined by Spark. Only
ratings.csv, the 26M-row file, is typed here, so it streams as compact Arrow batches.
"""

from __future__ import annotations

import logging

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from extract.csv_files import CsvSpec, csv_file_resource, location

MOVIES_METADATA_COLUMNS = (
    "adult", "belongs_to_collection", "budget", "genres", "homepage", "id", "imdb_id",
    "original_language", "original_title", "overview", "popularity", "poster_path",
    "production_companies", "production_countries", "release_date", "revenue", "runtime",
    "spoken_languages", "status", "tagline", "title", "video", "vote_average", "vote_count",
)  # fmt: skip

KAGGLE_FILES: dict[str, CsvSpec] = {
    "movies_metadata": CsvSpec(columns=MOVIES_METADATA_COLUMNS),
    "credits": CsvSpec(columns=("cast", "crew", "id")),
    "keywords": CsvSpec(columns=("id", "keywords")),
    "links": CsvSpec(columns=("movieId", "imdbId", "tmdbId"), required=frozenset({"movieId"})),
    "ratings": CsvSpec(
        columns=("userId", "movieId", "rating", "timestamp"),
        types={
            "userId": pa.int64(),
            "movieId": pa.int64(),
            "rating": pa.float64(),
            "timestamp": pa.int64(),
        },
        required=frozenset({"userId", "movieId", "rating", "timestamp"}),
        newlines_in_values=False,
        quoting=False,
    ),
}


# Files a delivery may lack: the sample has no keyword data (no shipped source gives keywords).
OPTIONAL_FILES = frozenset({"keywords"})
log = logging.getLogger(__name__)


@dlt.source(name="kaggle")
def kaggle_source(path: str = dlt.config.value, counts: dict[str, int] | None = None) -> list[DltResource]:
    """One append-only resource per Kaggle CSV under `path` (a folder or an `s3://` prefix).

    A missing required file is an error; a missing optional one is logged and skipped.
    """
    resources = []
    for table, spec in KAGGLE_FILES.items():
        csv_path = location.join(path, f"{table}.csv")
        if location.exists(csv_path):
            resources.append(csv_file_resource(csv_path, table, spec, counts))
        elif table in OPTIONAL_FILES:
            log.info("kaggle: %s.csv not found in %s; %s not loaded", table, path, table)
        else:
            raise FileNotFoundError(f"kaggle: {table}.csv not found in {path}")
    return resources
