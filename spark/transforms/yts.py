"""YTS list_movies records (raw/yts/movies) -> silver yts_movies and yts_torrents."""

from __future__ import annotations

from pyspark.sql import DataFrame
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
    with_loaded_at,
    with_text_columns,
)

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


def yts_movies(latest: DataFrame) -> DataFrame:
    """One row per YTS movie; runtime 0 (YTS's unknown) is null."""
    runtime = to_bigint(F.col("runtime"))
    return latest.select(
        "yts_id",
        imdb_id(F.col("imdb_code")).alias("imdb_id"),
        clean_text(F.col("title")).alias("title"),
        to_bigint(F.col("year")).cast("int").alias("year"),
        not_available(F.col("rating")).try_cast("double").alias("rating"),
        F.when(runtime > 0, runtime.cast("int")).alias("runtime_minutes"),
        F.coalesce(F.col("genres_list"), F.array().cast(GENRES)).alias("genres"),
        F.timestamp_seconds(to_bigint(F.col("date_uploaded_unix"))).alias("uploaded_at"),
        "_loaded_at",
    ).select(*YTS_MOVIES_COLUMNS)


def yts_torrents(latest: DataFrame) -> DataFrame:
    """One row per (YTS id, torrent hash, upper case); torrents without a hash are dropped."""
    entries = latest.select("yts_id", "_loaded_at", F.explode("torrents_list").alias("torrent"))
    rows = entries.select(
        "yts_id",
        F.upper(clean_text(F.col("torrent.hash"))).alias("torrent_hash"),
        clean_text(F.col("torrent.quality")).alias("quality"),
        clean_text(F.col("torrent.type")).alias("type"),
        clean_text(F.col("torrent.video_codec")).alias("video_codec"),
        to_bigint(F.col("torrent.seeds")).cast("int").alias("seeds"),
        to_bigint(F.col("torrent.peers")).cast("int").alias("peers"),
        to_bigint(F.col("torrent.size_bytes")).alias("size_bytes"),
        F.timestamp_seconds(to_bigint(F.col("torrent.date_uploaded_unix"))).alias("uploaded_at"),
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
    return bad_id.unionByName(genres).unionByName(torrents)
