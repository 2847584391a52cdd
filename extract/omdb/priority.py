"""How many MovieLens ratings each IMDb id has: the order in which stale OMDb answers are refreshed.

The free OMDb key allows 1,000 requests a day and the full dataset names ~45k ids, so a refresh
cycle spans weeks; the films most rated are the ones whose scores the marts show most, so they are
asked first. Nothing is fetched for this: the counts come from what the lake and the file delivery
already hold.

- Ratings: raw `kaggle/ratings` (`movie_id` is a MovieLens id). Kaggle delivers ratings.csv whole, so
  the newest load holds every rating; older loads are earlier deliveries and are not read.
- Links: `<files_dir>/kaggle/links.csv` (`movieId`, `imdbId` as digits zero-padded to 7, read as
  `tt` + digits, as `extract.omdb.ids` does).

Either one missing or unreadable gives no counts (a warning when unreadable): the refresh then
goes by id alone rather than failing the extract.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from extract.csv_files import location
from extract.omdb.ids import read_csv_columns
from lakehouse import imdb

log = logging.getLogger(__name__)
BATCH_ROWS = 1 << 20  # ratings are counted batch by batch: 26M ids never sit in memory at once


def rating_counts(lake_url: str, files_dir: str | None) -> dict[str, int]:
    """IMDb id -> number of ratings in the newest ratings load (ids without ratings left out)."""
    if files_dir is None:
        return {}
    links_path = location.join(str(files_dir), "kaggle", "links.csv")
    try:
        links = read_links(links_path)
        counts = count_by_movie(_newest_ratings_files(lake_url))
    except (OSError, ValueError, pa.ArrowException) as error:
        log.warning("rating counts not read (%s): stale OMDb answers are refreshed by id", error)
        return {}
    if links is None or not counts.num_rows:
        return {}
    by_imdb = (
        counts.join(links, "movie_id", join_type="inner").group_by("imdb_id").aggregate([("ratings", "sum")])
    )
    return dict(zip(by_imdb["imdb_id"].to_pylist(), by_imdb["ratings_sum"].to_pylist(), strict=True))


def read_links(path: str) -> pa.Table | None:
    """links.csv as (`movie_id` int64, `imdb_id` text `tt...`); None when there is no links file."""
    table = read_csv_columns(path, {"movieId": pa.int64(), "imdbId": pa.string()})
    if table is None:
        return None
    digits = table["imdbId"]
    usable = pc.and_(pc.is_valid(table["movieId"]), pc.match_substring_regex(digits, r"^\d+$"))
    kept = table.filter(pc.fill_null(usable, False))
    padded = pc.utf8_lpad(kept["imdbId"], imdb.DIGITS, "0")
    return pa.table({"movie_id": kept["movieId"], "imdb_id": pc.binary_join_element_wise("tt", padded, "")})


def count_by_movie(files: list[str]) -> pa.Table:
    """(`movie_id`, `ratings`): rows per MovieLens id over the given parquet files."""
    partials = [counted for path in files for counted in _batch_counts(path)]  # one small table a batch
    if not partials:
        return pa.table({"movie_id": pa.array([], pa.int64()), "ratings": pa.array([], pa.int64())})
    summed = pa.concat_tables(partials).group_by("movie_id").aggregate([("ratings", "sum")])
    return pa.table({"movie_id": summed["movie_id"], "ratings": summed["ratings_sum"]})


def _batch_counts(path: str) -> Iterator[pa.Table]:
    """Ratings per `movie_id` in each batch of one parquet file (null ids left out)."""
    with location.open_binary(path) as source:
        for batch in pq.ParquetFile(source).iter_batches(batch_size=BATCH_ROWS, columns=["movie_id"]):
            counted = (
                pa.Table.from_batches([batch])
                .drop_null()
                .group_by("movie_id")
                .aggregate([("movie_id", "count")])
            )
            yield pa.table({"movie_id": counted["movie_id"], "ratings": counted["movie_id_count"]})


def _newest_ratings_files(lake_url: str) -> list[str]:
    """The parquet files of raw `kaggle/ratings`' newest load (none before the first load)."""
    from lakehouse.raw import RawListing  # the lake's own listing: the loads Spark sees

    files = RawListing(lake_url).files("kaggle", "ratings")
    newest = files[-1].load_id if files else None  # listed oldest load first
    return [file.url for file in files if file.load_id == newest]
