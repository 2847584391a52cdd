"""Which IMDb ids OMDb is asked about: every id the other sources know a film by.

Three places name IMDb ids: Kaggle's movies_metadata (`imdb_id`, `tt0114709`), Kaggle/MovieLens
links (`imdbId`, digits without the `tt`, zero-padded to 7) and TMDB's details already in the lake
(`raw/tmdb/movies`: `imdb_id` and `external_ids.imdb_id`). The flow runs OMDb's extract after
TMDB's, so a film TMDB reports for the first time is asked of OMDb in the same run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from extract.csv_files import location
from lakehouse.imdb import from_links, is_imdb_id

log = logging.getLogger(__name__)


def imdb_ids(files_dir: Path | str, lake_url: str | None = None) -> list[str]:
    """The de-duplicated, sorted union of the ids in movies_metadata, links and raw TMDB."""
    kaggle = location.join(str(files_dir), "kaggle")
    found = {
        *_valid(_csv_column(location.join(kaggle, "movies_metadata.csv"), "imdb_id")),
        *_valid(_from_links(_csv_column(location.join(kaggle, "links.csv"), "imdbId"))),
        *(_valid(tmdb_imdb_ids(lake_url)) if lake_url is not None else ()),
    }
    return sorted(found)


def _valid(values: Iterable[str | None]) -> set[str]:
    return {value for value in values if value and is_imdb_id(value)}


def _from_links(values: Iterable[str | None]) -> list[str]:
    """links.csv's `0114709` as `tt0114709` (eight-digit ids stay as they are)."""
    return [from_links(value) for value in values if value and value.isdigit()]


def read_csv_columns(path: str, types: Mapping[str, pa.DataType]) -> pa.Table | None:
    """The named columns of a CSV file (a folder path or an s3:// URL), typed; None when the file is
    missing (links.csv is optional)."""
    if not location.exists(path):
        return None
    options = pacsv.ConvertOptions(include_columns=list(types), column_types=dict(types))
    with location.open_binary(path) as source:
        return pacsv.read_csv(source, convert_options=options)


def _csv_column(path: str, column: str) -> list[str | None]:
    """One column of a CSV file as text; a missing file gives nothing."""
    table = read_csv_columns(path, {column: pa.string()})
    return [] if table is None else table[column].to_pylist()


def tmdb_imdb_ids(lake_url: str) -> list[str]:
    """IMDb ids of the TMDB details loaded so far (top-level `imdb_id` and `external_ids`)."""
    import pyarrow.dataset as pads  # here: a second to import, and only the OMDb extract needs it

    where = location.join(lake_url, "raw", "tmdb", "movies")
    try:
        filesystem, path = _filesystem(where)
        table = pads.dataset(path, filesystem=filesystem, format="parquet").to_table(
            columns=["imdb_id", "external_ids"]
        )
    except FileNotFoundError:  # nothing loaded yet
        return []
    except (OSError, ValueError) as error:  # unreadable: the other sources' ids still go to OMDb
        log.warning("TMDB's IMDb ids not read from %s (%s); OMDb gets the Kaggle ids only", where, error)
        return []
    external = [_external_imdb_id(text) for text in table["external_ids"].to_pylist()]
    return [*table["imdb_id"].to_pylist(), *external]


def _filesystem(where: str) -> tuple[object, str]:
    """(None, path) for a local folder (Arrow's own filesystem), else the fsspec filesystem."""
    return location.fsspec_filesystem(where) if location.is_remote(where) else (None, where)


def _external_imdb_id(text: str | None) -> str | None:
    parsed = json.loads(text) if text else None
    return parsed.get("imdb_id") if isinstance(parsed, dict) else None
