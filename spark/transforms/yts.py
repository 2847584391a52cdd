"""YTS list_movies records (raw/yts/movies) -> silver yts_movies and yts_torrents."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from spark.transforms.common import (
    clean_text,
    first_per_key,
    imdb_id,
    json_rejects,
    latest_per_key,
    not_available,
    quarantine_rows,
    to_bigint,
    union_all,
    with_loaded_at,
    with_text_columns,
)
from spark.transforms.validity import Readable, unreadable_values

RAW_COLUMNS = (
    "id", "imdb_code", "title", "year", "rating", "runtime", "genres", "torrents", "date_uploaded",
    "date_uploaded_unix",
)  # fmt: skip
RAW_SCHEMA = StructType([StructField(name, StringType()) for name in (*RAW_COLUMNS, "_dlt_load_id")])
# YTS sends numbers as JSON numbers; read as text so a string or a number both parse.
TORRENT_FIELDS = (
    "url", "hash", "quality", "type", "video_codec", "seeds", "peers", "size_bytes", "date_uploaded_unix",
)  # fmt: skip
TORRENT = StructType([StructField(name, StringType()) for name in TORRENT_FIELDS])
TORRENTS = ArrayType(TORRENT)
GENRES = ArrayType(StringType())

YTS_MOVIES_COLUMNS = (
    "yts_id", "imdb_id", "title", "year", "rating", "runtime_minutes", "genres", "uploaded_at", "_loaded_at",
)  # fmt: skip
YTS_TORRENTS_COLUMNS = (
    "yts_id", "torrent_hash", "quality", "type", "video_codec", "seeds", "peers", "size_bytes",
    "uploaded_at", "url", "_loaded_at",
)  # fmt: skip


def typed_yts(raw: DataFrame) -> DataFrame:
    """Raw records with `_loaded_at`, `yts_id`, and genres/torrents parsed."""
    return (
        with_loaded_at(with_text_columns(raw, RAW_COLUMNS))
        .withColumn("yts_id", to_bigint(F.col("id")))
        .withColumn("genres_list", F.from_json(not_available(F.col("genres")), GENRES))
        .withColumn("torrents_list", F.from_json(not_available(F.col("torrents")), TORRENTS))
    )


def latest_yts(typed: DataFrame) -> DataFrame:
    """One record per YTS id: the latest load wins."""
    return latest_per_key(
        typed.where(F.col("yts_id").isNotNull()), ["yts_id"], [F.col("title").asc_nulls_last()]
    )


def _typed_movie_values() -> dict[str, tuple[Column, str]]:
    """YTS's typed movie columns: raw column -> (typed value, what a readable value is)."""
    return {
        "imdb_code": (imdb_id(F.col("imdb_code")), "an IMDb id (tt + 7 or more digits)"),
        "year": (to_bigint(not_available(F.col("year"))).cast("int"), "a year"),
        "rating": (not_available(F.col("rating")).try_cast("double"), "a number"),
        "runtime": (to_bigint(not_available(F.col("runtime"))), "a number of minutes"),
        "date_uploaded_unix": (_unix_time(F.col("date_uploaded_unix")), "a unix time"),
    }


def _typed_torrent_values() -> dict[str, tuple[Column, str]]:
    """The typed columns of a torrent entry (`torrent.<name>`)."""
    return {
        name: (to_bigint(not_available(F.col(f"torrent.{name}"))), "a whole number")
        for name in ("seeds", "peers", "size_bytes")
    } | {"date_uploaded_unix": (_unix_time(F.col("torrent.date_uploaded_unix")), "a unix time")}


def _unix_time(value: Column) -> Column:
    return F.timestamp_seconds(to_bigint(not_available(value)))


def yts_movies(latest: DataFrame) -> DataFrame:
    """One row per YTS movie; runtime 0 (YTS's unknown) is null."""
    typed = {name: value for name, (value, _) in _typed_movie_values().items()}
    return latest.select(
        "yts_id",
        typed["imdb_code"].alias("imdb_id"),
        clean_text(F.col("title")).alias("title"),
        typed["year"].alias("year"),
        typed["rating"].alias("rating"),
        F.when(typed["runtime"] > 0, typed["runtime"].cast("int")).alias("runtime_minutes"),
        F.coalesce(F.col("genres_list"), F.array().cast(GENRES)).alias("genres"),
        typed["date_uploaded_unix"].alias("uploaded_at"),
        "_loaded_at",
    ).select(*YTS_MOVIES_COLUMNS)


def _torrent_entries(latest: DataFrame) -> DataFrame:
    return latest.select("yts_id", "_loaded_at", F.explode("torrents_list").alias("torrent"))


def yts_torrents(latest: DataFrame) -> DataFrame:
    """One row per (YTS id, torrent hash, upper case); torrents without a hash are dropped (and
    quarantined by `yts_rejects`)."""
    typed = {name: value for name, (value, _) in _typed_torrent_values().items()}
    rows = _torrent_entries(latest).select(
        "yts_id",
        F.upper(clean_text(F.col("torrent.hash"))).alias("torrent_hash"),
        clean_text(F.col("torrent.quality")).alias("quality"),
        clean_text(F.col("torrent.type")).alias("type"),
        clean_text(F.col("torrent.video_codec")).alias("video_codec"),
        typed["seeds"].cast("int").alias("seeds"),
        typed["peers"].cast("int").alias("peers"),
        typed["size_bytes"].alias("size_bytes"),
        typed["date_uploaded_unix"].alias("uploaded_at"),
        clean_text(F.col("torrent.url")).alias("url"),
        "_loaded_at",
    )
    return first_per_key(
        rows.where(F.col("torrent_hash").isNotNull()),
        ["yts_id", "torrent_hash"],
        [F.col("seeds").desc_nulls_last()],
    ).select(*YTS_TORRENTS_COLUMNS)


def yts_rejects(typed: DataFrame, latest: DataFrame) -> DataFrame:
    """Records with no integer id; genres or torrents that are not JSON lists."""
    bad_id = quarantine_rows(
        typed.where(F.col("yts_id").isNull()),
        source="yts",
        entity="yts_movies",
        key=F.col("imdb_code"),
        raw_value=F.to_json(F.struct(F.col("id").cast("string").alias("id"), "imdb_code", "title")),
        reason=F.lit("id is not an integer"),
    )
    genres = json_rejects(
        latest, source="yts", entity="yts_movies", key=F.col("yts_id"), raw="genres", parsed="genres_list"
    )
    torrents = json_rejects(
        latest,
        source="yts",
        entity="yts_torrents",
        key=F.col("yts_id"),
        raw="torrents",
        parsed="torrents_list",
    )
    movie_values = [Readable.of(name, value, why) for name, (value, why) in _typed_movie_values().items()]
    unreadable_movies = unreadable_values(
        latest, source="yts", entity="yts_movies", key=F.col("yts_id"), columns=movie_values
    )
    entries = _torrent_entries(latest)
    torrent_values = [
        Readable(name, not_available(F.col(f"torrent.{name}")), value, why)
        for name, (value, why) in _typed_torrent_values().items()
    ]
    hash_key = F.upper(clean_text(F.col("torrent.hash")))
    unreadable_torrents = unreadable_values(
        entries.where(hash_key.isNotNull()),
        source="yts",
        entity="yts_torrents",
        key=F.concat_ws(":", F.col("yts_id").cast("string"), hash_key),
        columns=torrent_values,
    )
    no_hash = quarantine_rows(
        entries.where(hash_key.isNull()),
        source="yts",
        entity="yts_torrents",
        key=F.col("yts_id"),
        raw_value=F.to_json(F.col("torrent")),
        reason=F.lit("torrent has no hash"),
    )
    return union_all(bad_id, genres, torrents, unreadable_movies, unreadable_torrents, no_hash)
