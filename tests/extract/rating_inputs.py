"""What OMDb's refresh order is read from, as the tests write it: a kaggle/links.csv in a files
folder and a raw MovieLens ratings load in the lake (rating_counts joins the two)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_links(files: Path, rows: list[tuple[str, str]]) -> Path:
    (files / "kaggle").mkdir(parents=True, exist_ok=True)
    body = "".join(f"{movie},{imdb},1\n" for movie, imdb in rows)
    (files / "kaggle" / "links.csv").write_text("movieId,imdbId,tmdbId\n" + body, encoding="utf-8")
    return files


def write_ratings(lake: Path, load_id: str, movie_ids: list[int | None]) -> None:
    folder = lake / "raw" / "kaggle" / "ratings"
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table({
        "user_id": pa.array(range(len(movie_ids)), pa.int64()),
        "movie_id": pa.array(movie_ids, pa.int64()),
        "rating": pa.array([4.0] * len(movie_ids), pa.float64()),
    })  # fmt: skip
    pq.write_table(table, folder / f"{load_id}.a1b2c3.parquet")
