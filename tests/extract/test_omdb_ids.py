"""The ids OMDb is asked about: movies_metadata, links and the TMDB details already in the lake."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from extract.omdb.ids import imdb_ids, tmdb_imdb_ids


def write_kaggle(root: Path, metadata: list[str], links: list[str] | None) -> Path:
    kaggle = root / "kaggle"
    kaggle.mkdir(parents=True)
    (kaggle / "movies_metadata.csv").write_text(
        "id,imdb_id\n" + "".join(f"{n},{v}\n" for n, v in enumerate(metadata))
    )
    if links is not None:
        rows = "".join(f"{n},{v},{n}\n" for n, v in enumerate(links))
        (kaggle / "links.csv").write_text("movieId,imdbId,tmdbId\n" + rows)
    return root


def write_tmdb(lake: Path, rows: list[tuple[str | None, dict | None]]) -> None:
    folder = lake / "raw" / "tmdb" / "movies"
    folder.mkdir(parents=True)
    external = [json.dumps(ext) if ext is not None else None for _, ext in rows]
    table = pa.table({
        "id": pa.array(range(len(rows)), pa.int64()),
        "imdb_id": pa.array([imdb for imdb, _ in rows], pa.string()),
        "external_ids": pa.array(external, pa.string()),
    })  # fmt: skip
    pq.write_table(table, folder / "1700000000.1.parquet")


def test_ids_are_the_union_of_metadata_links_and_tmdb_details(tmp_path: Path) -> None:
    files = write_kaggle(tmp_path / "files", ["tt0000001", "tt0000002", "", "0", "nan"],
                         ["0000002", "0114709", "12345678", "", "tt01"])  # fmt: skip
    write_tmdb(tmp_path / "lake", [("tt0000003", {"imdb_id": "tt0000004"}), (None, {"imdb_id": None}),
                                   ("", None), ("tt0000001", {"imdb_id": "tt0000001"})])  # fmt: skip

    assert imdb_ids(files, str(tmp_path / "lake")) == [
        "tt0000001", "tt0000002", "tt0000003", "tt0000004", "tt0114709", "tt12345678"
    ]  # fmt: skip


def test_without_links_or_tmdb_details_the_metadata_ids_are_asked(tmp_path: Path) -> None:
    files = write_kaggle(tmp_path / "files", ["tt0000009", "tt0000001"], links=None)

    assert imdb_ids(files, str(tmp_path / "empty_lake")) == ["tt0000001", "tt0000009"]
    assert tmdb_imdb_ids(str(tmp_path / "empty_lake")) == []
