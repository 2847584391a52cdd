"""TMDB /movie/{id} responses (raw/tmdb/movies, JSON text columns) -> movie rows and genres in silver
`movies`' shape, the shared credit and movie lists, collections, movie_release_dates, movie_keywords.

Every response with an integer id is a movie (TMDB's row wins over Kaggle's in silver `movies`);
the list entities use the responses of the movies silver holds.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    IntegerType,
    StringType,
    StructField,
    StructType,
)

from spark.transforms import keywords
from spark.transforms.common import (
    clean_text,
    country_code,
    first_per_key,
    imdb_id,
    json_rejects,
    language_code,
    latest_per_key,
    not_available,
    quarantine_rows,
    to_bigint,
    to_double,
    union_all,
    with_loaded_at,
    with_text_columns,
)
from spark.transforms.credits import CREDITS, NO_MOVIE
from spark.transforms.movie_lists import COUNTRY_LIST, LANGUAGE_LIST
from spark.transforms.movies import (
    GENRE_COLUMNS,
    ID_NAME,
    ID_NAME_LIST,
    MOVIE_COLUMNS,
    genre_rows,
    money_value,
    text_value,
)
from spark.transforms.validity import Readable, unreadable_values

RELEASE_DATES = StructType(
    [
        StructField(
            "results",
            ArrayType(
                StructType(
                    [
                        StructField("iso_3166_1", StringType()),
                        StructField(
                            "release_dates",
                            ArrayType(
                                StructType(
                                    [
                                        StructField("certification", StringType()),
                                        StructField("iso_639_1", StringType()),
                                        StructField("note", StringType()),
                                        StructField("release_date", StringType()),
                                        StructField("type", IntegerType()),
                                    ]
                                )
                            ),
                        ),
                    ]
                )
            ),
        )
    ]
)
KEYWORDS = StructType([StructField("keywords", ID_NAME_LIST)])
EXTERNAL_ID_SOURCES = ("imdb", "wikidata", "facebook", "instagram", "twitter")
EXTERNAL_IDS = StructType([StructField(f"{source}_id", StringType()) for source in EXTERNAL_ID_SOURCES])
EXTERNAL_IDS_COLUMNS = ("movie_id", "id_source", "external_id", "_loaded_at")
JSON_COLUMNS: dict[str, tuple[StructType | ArrayType, str]] = {
    # raw column: (schema, the silver entity it feeds)
    "genres": (ID_NAME_LIST, "movie_genres"),
    "credits": (CREDITS, "movie_cast"),
    "production_companies": (ID_NAME_LIST, "movie_companies"),
    "production_countries": (COUNTRY_LIST, "movie_countries"),
    "spoken_languages": (LANGUAGE_LIST, "movie_languages"),
    "belongs_to_collection": (ID_NAME, "collections"),
    "release_dates": (RELEASE_DATES, "movie_release_dates"),
    "keywords": (KEYWORDS, "movie_keywords"),
    "external_ids": (EXTERNAL_IDS, "movie_ids"),
}
SCALAR_COLUMNS = (
    "original_title", "original_language", "overview", "status", "release_date", "runtime", "popularity",
    "vote_average", "vote_count", "budget", "revenue",
)  # fmt: skip
RAW_COLUMNS = ("id", "imdb_id", "title", *SCALAR_COLUMNS, *JSON_COLUMNS)
RAW_SCHEMA = StructType([StructField(name, StringType()) for name in (*RAW_COLUMNS, "_dlt_load_id")])

RELEASE_DATES_COLUMNS = (
    "movie_id", "country", "certification", "release_date", "type", "note", "_loaded_at",
)  # fmt: skip
KEYWORDS_COLUMNS = keywords.KEYWORDS_COLUMNS


def typed_tmdb(raw: DataFrame) -> DataFrame:
    """Raw responses with `_loaded_at`, `movie_id`, and each JSON column parsed as `<column>_json`."""
    typed = with_loaded_at(with_text_columns(raw, RAW_COLUMNS)).withColumn(
        "movie_id", to_bigint(F.trim(F.col("id").cast("string")))
    )
    for column, (schema, _) in JSON_COLUMNS.items():
        typed = typed.withColumn(f"{column}_json", F.from_json(not_available(F.col(column)), schema))
    return typed


def latest_responses(typed: DataFrame) -> DataFrame:
    """One response per integer TMDB id: the latest load wins."""
    return latest_per_key(
        typed.where(F.col("movie_id").isNotNull()), ["movie_id"], [F.col("title").asc_nulls_last()]
    )


def latest_tmdb(typed: DataFrame, movies: DataFrame) -> DataFrame:
    """One response per movie silver holds: the latest load wins."""
    return latest_responses(typed).join(movies.select("movie_id"), "movie_id", "semi")


def _release_date() -> Column:
    """A response's `release_date` as a date (yyyy-MM-dd), null when it is not one."""
    return F.to_date(F.try_to_timestamp(text_value("release_date"), F.lit("yyyy-MM-dd")))


def tmdb_movie_rows(latest: DataFrame) -> DataFrame:
    """TMDB responses in silver `movies`' columns, `source` tmdb (money 0 = unknown, as Kaggle's)."""
    release = _release_date()
    return latest.select(
        "movie_id",
        F.coalesce(imdb_id(F.col("external_ids_json.imdb_id")), imdb_id(F.col("imdb_id"))).alias("imdb_id"),
        *[text_value(name).alias(name) for name in ("title", "original_title")],
        language_code(F.col("original_language")).alias("original_language"),
        *[text_value(name).alias(name) for name in ("overview", "status")],
        release.alias("release_date"),
        F.year(release).alias("release_year"),
        F.round(to_double(F.col("runtime"))).try_cast("int").alias("runtime_minutes"),
        to_double(F.col("popularity")).alias("popularity"),
        to_double(F.col("vote_average")).alias("vote_average"),
        to_bigint(F.col("vote_count")).alias("vote_count"),
        F.col("belongs_to_collection_json.id").alias("collection_id"),
        clean_text(F.col("belongs_to_collection_json.name")).alias("collection_name"),
        money_value("budget").alias("budget_nominal"),
        money_value("revenue").alias("revenue_nominal"),
        F.lit("tmdb").alias("source"),
        "_loaded_at",
    ).select(*MOVIE_COLUMNS)


def tmdb_genres(latest: DataFrame, movies: DataFrame) -> DataFrame:
    """Genres of the movies silver took from TMDB, in movie_genres' columns."""
    from_tmdb = movies.where(F.col("source") == "tmdb").select("movie_id")
    exploded = latest.join(from_tmdb, "movie_id", "semi").select(
        "movie_id", "_loaded_at", F.explode("genres_json").alias("genre")
    )
    return genre_rows(exploded).select(*GENRE_COLUMNS)


def tmdb_credit_lists(latest: DataFrame) -> DataFrame:
    """TMDB credits in the shared credit-lists shape."""
    return latest.select(
        "movie_id",
        F.lit("tmdb").alias("source"),
        "_loaded_at",
        F.col("credits_json.cast").alias("cast"),
        F.col("credits_json.crew").alias("crew"),
    )


def tmdb_movie_lists(latest: DataFrame) -> DataFrame:
    """TMDB companies, countries and spoken languages in the shared movie-lists shape."""
    return latest.select(
        "movie_id",
        F.lit("tmdb").alias("source"),
        "_loaded_at",
        F.col("production_companies_json").alias("companies"),
        F.col("production_countries_json").alias("countries"),
        F.col("spoken_languages_json").alias("languages"),
    )


def tmdb_collections(latest: DataFrame) -> DataFrame:
    """(collection_id, collection_name, _loaded_at) rows from belongs_to_collection."""
    return latest.select(
        F.col("belongs_to_collection_json.id").alias("collection_id"),
        F.col("belongs_to_collection_json.name").alias("collection_name"),
        "_loaded_at",
    )


def tmdb_external_imdb_ids(latest: DataFrame) -> DataFrame:
    """(movie_id, imdb_id) from external_ids, falling back to the top-level imdb_id."""
    return latest.select(
        "movie_id",
        F.coalesce(imdb_id(F.col("external_ids_json.imdb_id")), imdb_id(F.col("imdb_id"))).alias("imdb_id"),
        "_loaded_at",
    )


def movie_external_ids(latest: DataFrame) -> DataFrame:
    """One row per (movie, id source) TMDB knows the film by: IMDb, Wikidata, Facebook, Instagram, X.

    Blank values are left out; IMDb ids are kept only in their `tt` + digits form (the crosswalk's).
    """
    entries = F.array(*[
        F.struct(F.lit(source).alias("id_source"), _external_value(source).alias("external_id"))
        for source in EXTERNAL_ID_SOURCES
    ])  # fmt: skip
    exploded = latest.select("movie_id", "_loaded_at", F.explode(entries).alias("entry"))
    rows = exploded.select("movie_id", "entry.id_source", "entry.external_id", "_loaded_at")
    return rows.where(F.col("external_id").isNotNull())


def _external_value(source: str) -> Column:
    value = F.col(f"external_ids_json.{source}_id")
    return imdb_id(value) if source == "imdb" else clean_text(value)


def _release_date_entries(latest: DataFrame) -> DataFrame:
    """Every (movie, country, release) entry as delivered (`country_text`, `date_text`), typed."""
    per_country = latest.select(
        "movie_id", "_loaded_at", F.explode("release_dates_json.results").alias("country_dates")
    )
    entries = per_country.select(
        "movie_id",
        "_loaded_at",
        not_available(F.col("country_dates.iso_3166_1")).alias("country_text"),
        F.explode("country_dates.release_dates").alias("entry"),
    )
    return entries.select(
        "*",
        country_code(F.col("country_text")).alias("country"),
        not_available(F.col("entry.release_date")).alias("date_text"),
        F.substring(F.col("entry.release_date"), 1, 10).try_cast("date").alias("release_date"),
    )


def movie_release_dates(latest: DataFrame) -> DataFrame:
    """One row per (movie, country, type, release_date): TMDB's release dates by country."""
    rows = (
        _release_date_entries(latest)
        .select(
            "movie_id",
            "country",
            clean_text(F.col("entry.certification")).alias("certification"),
            "release_date",
            F.col("entry.type").alias("type"),
            clean_text(F.col("entry.note")).alias("note"),
            "_loaded_at",
        )
        .where(F.col("country").isNotNull() & F.col("release_date").isNotNull())
    )
    return first_per_key(
        rows,
        ["movie_id", "country", "type", "release_date"],
        [F.col("certification").asc_nulls_last(), F.col("note").asc_nulls_last()],
    ).select(*RELEASE_DATES_COLUMNS)


def release_date_rejects(latest: DataFrame) -> DataFrame:
    """Release entries that cannot load: no ISO 3166-1 country code, or no readable date."""
    entries = _release_date_entries(latest)
    reason = (
        F.when(F.col("country_text").isNull(), F.lit("release entry has no iso_3166_1 code"))
        .when(F.col("country").isNull(), F.lit("iso_3166_1: not an ISO 3166-1 alpha-2 code"))
        .when(F.col("date_text").isNull(), F.lit("release entry has no release_date"))
        .when(F.col("release_date").isNull(), F.lit("release_date: not a date (yyyy-MM-dd...)"))
    )
    return quarantine_rows(
        entries.where(reason.isNotNull()),
        source="tmdb",
        entity="movie_release_dates",
        key=F.col("movie_id"),
        raw_value=F.to_json(F.struct(F.col("country_text").alias("iso_3166_1"), "entry")),
        reason=reason,
    )


def unreadable_tmdb_values(latest: DataFrame) -> DataFrame:
    """Every delivered value of a held movie's response that silver's columns could not read."""
    release = _release_date()
    movies = [
        Readable.of("imdb_id", imdb_id(F.col("imdb_id")), "an IMDb id (tt + 7 or more digits)"),
        Readable("external_ids.imdb_id", not_available(F.col("external_ids_json.imdb_id")),
                 imdb_id(F.col("external_ids_json.imdb_id")), "an IMDb id (tt + 7 or more digits)"),
        Readable.of("release_date", release, "a date (yyyy-MM-dd)"),
        Readable.of("runtime", to_double(F.col("runtime")), "a number of minutes"),
        Readable.of("popularity", to_double(F.col("popularity")), "a number"),
        Readable.of("vote_average", to_double(F.col("vote_average")), "a number"),
        Readable.of("vote_count", to_bigint(F.col("vote_count")), "a whole number"),
        Readable.of("original_language", language_code(F.col("original_language")), "an ISO 639-1 code"),
    ]  # fmt: skip
    money = [Readable.of(name, to_double(F.col(name)), "an amount") for name in ("budget", "revenue")]
    key = F.col("movie_id")
    return unreadable_values(latest, source="tmdb", entity="movies", key=key, columns=movies).unionByName(
        unreadable_values(latest, source="tmdb", entity="movie_financials", key=key, columns=money)
    )


def tmdb_keyword_lists(latest: DataFrame) -> DataFrame:
    """TMDB keywords in the shared keyword-lists shape."""
    return latest.select("movie_id", F.lit("tmdb").alias("source"), "_loaded_at",
                         F.col("keywords_json.keywords").alias("keywords"))  # fmt: skip


def movie_keywords(latest: DataFrame) -> DataFrame:
    """One row per (movie, keyword_id) from TMDB alone (the job also offers Kaggle's lists)."""
    return keywords.movie_keywords(tmdb_keyword_lists(latest))


def tmdb_rejects(typed: DataFrame, movies: DataFrame, latest: DataFrame) -> DataFrame:
    """Responses with no integer id or for a movie silver does not hold; JSON columns that do not parse."""
    bad_id = quarantine_rows(
        typed.where(F.col("movie_id").isNull()),
        source="tmdb",
        entity="tmdb_movies",
        key=F.col("id").cast("string"),
        raw_value=F.to_json(F.struct(F.col("id").cast("string").alias("id"), "imdb_id", "title")),
        reason=F.lit("id is not an integer"),
    )
    orphans = quarantine_rows(
        latest_per_key(typed.where(F.col("movie_id").isNotNull()), ["movie_id"]).join(
            movies.select("movie_id"), "movie_id", "anti"
        ),
        source="tmdb",
        entity="tmdb_movies",
        key=F.col("movie_id"),
        raw_value=F.to_json(F.struct("imdb_id", "title")),
        reason=F.lit(NO_MOVIE),
    )
    result = union_all(bad_id, orphans, release_date_rejects(latest), unreadable_tmdb_values(latest))
    for column, (_, entity) in JSON_COLUMNS.items():
        result = result.unionByName(
            json_rejects(
                latest,
                source="tmdb",
                entity=entity,
                key=F.col("movie_id"),
                raw=column,
                parsed=f"{column}_json",
            )
        )
    return result
