"""Movie list columns (companies, countries, spoken languages) and collections, from Kaggle literals
or TMDB JSON -> silver movie_companies, companies, movie_countries, movie_languages, collections.

Both sources are first shaped as *movie lists*: one row per (movie, source, load) with typed arrays;
one row per movie is kept (TMDB before Kaggle, then the latest load) and only then exploded.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from spark.transforms.common import (
    clean_text,
    country_code,
    first_per_key,
    language_code,
    latest_per_key,
    natural_key,
    preferred_source_per_movie,
    quarantine_rows,
)
from spark.transforms.literals import with_parsed_literal
from spark.transforms.movies import ID_NAME_LIST

COUNTRY_LIST = ArrayType(
    StructType([StructField("iso_3166_1", StringType()), StructField("name", StringType())])
)
LANGUAGE_LIST = ArrayType(
    StructType([StructField("iso_639_1", StringType()), StructField("name", StringType())])
)
# raw column -> (list column, its type, silver entity)
LIST_COLUMNS = {
    "production_companies": ("companies", ID_NAME_LIST, "movie_companies"),
    "production_countries": ("countries", COUNTRY_LIST, "movie_countries"),
    "spoken_languages": ("languages", LANGUAGE_LIST, "movie_languages"),
}
MOVIE_LIST_COLUMNS = ("movie_id", "source", "_loaded_at", "companies", "countries", "languages")

MOVIE_COMPANIES_COLUMNS = ("movie_id", "company_key", "company_id", "company_name", "source", "_loaded_at")
COMPANIES_COLUMNS = ("company_key", "company_id", "company_name", "_loaded_at")
MOVIE_COUNTRIES_COLUMNS = ("movie_id", "country_code", "country_name", "source", "_loaded_at")
MOVIE_LANGUAGES_COLUMNS = ("movie_id", "language_code", "language_name", "source", "_loaded_at")
COLLECTIONS_COLUMNS = ("collection_id", "collection_name", "_loaded_at")


def parsed_kaggle_movie_lists(typed_movies: DataFrame, movies: DataFrame) -> DataFrame:
    """The rows silver movies kept, with the three list literals parsed once each."""
    latest = typed_movies.join(movies.select("movie_id", "_loaded_at"), ["movie_id", "_loaded_at"], "semi")
    for raw, (alias, schema, _) in LIST_COLUMNS.items():
        latest = with_parsed_literal(latest, raw, schema, alias)
    return latest


def kaggle_movie_lists(parsed: DataFrame) -> DataFrame:
    """Parsed Kaggle lists in the shared movie-lists shape (an unparseable list is null)."""
    return parsed.select(
        "movie_id", F.lit("kaggle").alias("source"), "_loaded_at", "companies", "countries", "languages"
    )


def kaggle_movie_list_rejects(parsed: DataFrame) -> DataFrame:
    """One quarantine row per unparseable list literal, raw text kept."""
    frames = [
        quarantine_rows(
            parsed.where(F.col(f"{alias}_error").isNotNull()),
            source="kaggle",
            entity=entity,
            key=F.col("movie_id"),
            raw_value=F.col(raw),
            reason=F.concat(F.lit(f"{raw}: "), F.col(f"{alias}_error")),
        )
        for raw, (alias, _, entity) in LIST_COLUMNS.items()
    ]
    return frames[0].unionByName(frames[1]).unionByName(frames[2])


def preferred_movie_lists(*lists: DataFrame) -> DataFrame:
    """Union movie lists from every source; one row per movie (TMDB first, then latest load)."""
    union = lists[0].select(*MOVIE_LIST_COLUMNS)
    for frame in lists[1:]:
        union = union.unionByName(frame.select(*MOVIE_LIST_COLUMNS))
    return preferred_source_per_movie(union)


def _entries(movie_lists: DataFrame, column: str) -> DataFrame:
    return movie_lists.select("movie_id", "source", "_loaded_at", F.explode(column).alias("entry"))


def _entry_rejects(entries: DataFrame, missing: Column, entity: str, reason: str | Column) -> DataFrame:
    return quarantine_rows(
        entries.where(missing),
        source=F.col("source"),
        entity=entity,
        key=F.col("movie_id"),
        raw_value=F.to_json("entry"),
        reason=F.lit(reason) if isinstance(reason, str) else reason,
    )


def _code_reason(field: str, standard: str) -> Column:
    """Why an entry's code is unusable: absent, or not of the standard's form."""
    absent = clean_text(F.col(f"entry.{field}")).isNull()
    return F.when(absent, F.lit(f"entry has no {field} code")).otherwise(
        F.lit(f"{field}: not an {standard} code")
    )


def movie_companies(movie_lists: DataFrame) -> tuple[DataFrame, DataFrame]:
    """One row per (movie, company_key); an entry with neither id nor name goes to quarantine."""
    entries = _entries(movie_lists, "companies").select(
        "*",
        natural_key(F.col("entry.id"), F.col("entry.name")).alias("company_key"),
        F.col("entry.id").alias("company_id"),
        clean_text(F.col("entry.name")).alias("company_name"),
    )
    bridge = first_per_key(
        entries.where(F.col("company_key").isNotNull()),
        ["movie_id", "company_key"],
        [F.col("company_name")],
    ).select(*MOVIE_COMPANIES_COLUMNS)
    rejects = _entry_rejects(
        entries, F.col("company_key").isNull(), "movie_companies", "company entry has neither id nor name"
    )
    return bridge, rejects


def companies(movie_companies_rows: DataFrame) -> DataFrame:
    """One row per company_key, named as its latest delivery names it."""
    return latest_per_key(movie_companies_rows, ["company_key"], [F.col("company_name")]).select(
        *COMPANIES_COLUMNS
    )


def movie_countries(movie_lists: DataFrame) -> tuple[DataFrame, DataFrame]:
    """One row per (movie, ISO 3166-1 code, upper case); an entry without a valid code goes to
    quarantine."""
    entries = _entries(movie_lists, "countries").select(
        "*",
        country_code(F.col("entry.iso_3166_1")).alias("country_code"),
        clean_text(F.col("entry.name")).alias("country_name"),
    )
    bridge = first_per_key(
        entries.where(F.col("country_code").isNotNull()),
        ["movie_id", "country_code"],
        [F.col("country_name").asc_nulls_last()],
    ).select(*MOVIE_COUNTRIES_COLUMNS)
    rejects = _entry_rejects(
        entries,
        F.col("country_code").isNull(),
        "movie_countries",
        F.concat(F.lit("country "), _code_reason("iso_3166_1", "ISO 3166-1 alpha-2")),
    )
    return bridge, rejects


def movie_languages(movie_lists: DataFrame) -> tuple[DataFrame, DataFrame]:
    """One row per (movie, ISO 639-1 code, lower case); an entry without a valid code goes to
    quarantine."""
    entries = _entries(movie_lists, "languages").select(
        "*",
        language_code(F.col("entry.iso_639_1")).alias("language_code"),
        clean_text(F.col("entry.name")).alias("language_name"),
    )
    bridge = first_per_key(
        entries.where(F.col("language_code").isNotNull()),
        ["movie_id", "language_code"],
        [F.col("language_name").asc_nulls_last()],
    ).select(*MOVIE_LANGUAGES_COLUMNS)
    rejects = _entry_rejects(
        entries,
        F.col("language_code").isNull(),
        "movie_languages",
        F.concat(F.lit("language "), _code_reason("iso_639_1", "ISO 639-1")),
    )
    return bridge, rejects


def collections(collection_rows: DataFrame) -> DataFrame:
    """One row per collection_id from (collection_id, collection_name, _loaded_at) rows; latest name wins."""
    named = collection_rows.where(F.col("collection_id").isNotNull()).withColumn(
        "collection_name", clean_text(F.col("collection_name"))
    )
    return latest_per_key(named, ["collection_id"], [F.col("collection_name").asc_nulls_last()]).select(
        *COLLECTIONS_COLUMNS
    )
