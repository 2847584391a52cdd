"""Credits (Kaggle literals or TMDB JSON) -> silver movie_cast, movie_crew and people.

Both sources are first shaped as *credit lists*: one row per (movie, source, load) with typed `cast`
and `crew` arrays. One row per movie is kept (TMDB before Kaggle, then the latest load), and only
then exploded, so a movie's cast never mixes two deliveries.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, IntegerType, LongType, StringType, StructField, StructType

from spark.transforms.common import (
    clean_text,
    first_per_key,
    latest_per_key,
    natural_key,
    not_an_integer,
    preferred_source_per_movie,
    quarantine_rows,
    with_loaded_at,
)
from spark.transforms.literals import with_parsed_literal

CAST_MEMBER = StructType(
    [
        StructField("cast_id", LongType()),
        StructField("character", StringType()),
        StructField("credit_id", StringType()),
        StructField("gender", IntegerType()),
        StructField("id", LongType()),
        StructField("name", StringType()),
        StructField("order", IntegerType()),
        StructField("profile_path", StringType()),
    ]
)
CREW_MEMBER = StructType(
    [
        StructField("credit_id", StringType()),
        StructField("department", StringType()),
        StructField("gender", IntegerType()),
        StructField("id", LongType()),
        StructField("job", StringType()),
        StructField("name", StringType()),
        StructField("profile_path", StringType()),
    ]
)
CAST_LIST = ArrayType(CAST_MEMBER)
CREW_LIST = ArrayType(CREW_MEMBER)
CREDITS = StructType([StructField("cast", CAST_LIST), StructField("crew", CREW_LIST)])
CREDIT_LIST_COLUMNS = ("movie_id", "source", "_loaded_at", "cast", "crew")

MOVIE_CAST_COLUMNS = (
    "movie_id", "person_key", "person_id", "person_name", "character", "billing_order", "gender",
    "source", "_loaded_at",
)  # fmt: skip
MOVIE_CREW_COLUMNS = (
    "movie_id", "person_key", "person_id", "person_name", "department", "job", "gender", "source",
    "_loaded_at",
)  # fmt: skip
PEOPLE_COLUMNS = ("person_key", "person_id", "person_name", "gender", "_loaded_at")
NO_MOVIE = "no movie with this id in silver movies"


def _gender(value: Column) -> Column:
    """TMDB's code (1 female, 2 male, 3 non-binary); 0 ("not specified") and anything else null."""
    return F.when(value.isin(1, 2, 3), value.cast("int"))


def typed_kaggle_credits(raw_credits: DataFrame) -> DataFrame:
    """Raw credits with `_loaded_at` and `movie_id` (null when the id text is not an integer)."""
    return with_loaded_at(raw_credits).withColumn("movie_id", F.trim("id").try_cast("bigint"))


def parsed_kaggle_credits(typed: DataFrame, movies: DataFrame) -> DataFrame:
    """The latest credits row per held movie, `cast` and `crew` literals parsed once each.

    Duplicate credits rows (the same id twice, in one load or several) collapse to one here.
    """
    valid = typed.where(F.col("movie_id").isNotNull())
    latest = latest_per_key(valid, ["movie_id"], [F.col("cast").asc_nulls_last(), F.col("crew")])
    held = latest.join(movies.select("movie_id"), "movie_id", "semi")
    parsed = with_parsed_literal(held, "cast", CAST_LIST, "cast_list")
    return with_parsed_literal(parsed, "crew", CREW_LIST, "crew_list")


def kaggle_credit_lists(parsed: DataFrame) -> DataFrame:
    """Parsed Kaggle credits as credit lists (an unparseable list is null, so it adds no rows)."""
    return parsed.select(
        "movie_id",
        F.lit("kaggle").alias("source"),
        "_loaded_at",
        F.col("cast_list").alias("cast"),
        F.col("crew_list").alias("crew"),
    )


def kaggle_credit_rejects(typed: DataFrame, movies: DataFrame, parsed: DataFrame) -> DataFrame:
    """Credits rows with no integer id, for a movie silver does not hold, or with a broken literal."""
    whole_row = F.to_json(F.struct("id", "cast", "crew"))
    bad_id = quarantine_rows(
        typed.where(F.col("movie_id").isNull()),
        source="kaggle",
        entity="credits",
        key=F.col("id"),
        raw_value=whole_row,
        reason=not_an_integer("id"),
    )
    orphans = quarantine_rows(
        latest_per_key(typed.where(F.col("movie_id").isNotNull()), ["movie_id"], [F.col("cast")]).join(
            movies.select("movie_id"), "movie_id", "anti"
        ),
        source="kaggle",
        entity="credits",
        key=F.col("movie_id"),
        raw_value=whole_row,
        reason=F.lit(NO_MOVIE),
    )
    rejects = [bad_id, orphans]
    for column, entity in (("cast", "movie_cast"), ("crew", "movie_crew")):
        rejects.append(
            quarantine_rows(
                parsed.where(F.col(f"{column}_list_error").isNotNull()),
                source="kaggle",
                entity=entity,
                key=F.col("movie_id"),
                raw_value=F.col(column),
                reason=F.concat(F.lit(f"{column}: "), F.col(f"{column}_list_error")),
            )
        )
    result = rejects[0]
    for frame in rejects[1:]:
        result = result.unionByName(frame)
    return result


def preferred_credit_lists(*lists: DataFrame) -> DataFrame:
    """Union credit lists from every source; one row per movie (TMDB first, then latest load)."""
    union = lists[0].select(*CREDIT_LIST_COLUMNS)
    for frame in lists[1:]:
        union = union.unionByName(frame.select(*CREDIT_LIST_COLUMNS))
    return preferred_source_per_movie(union)


def _people_entries(credit_lists: DataFrame, column: str) -> DataFrame:
    member = F.col("member")
    return credit_lists.select("movie_id", "source", "_loaded_at", F.explode(column).alias("member")).select(
        "movie_id",
        natural_key(member["id"], member["name"]).alias("person_key"),
        member["id"].alias("person_id"),
        clean_text(member["name"]).alias("person_name"),
        _gender(member["gender"]).alias("gender"),
        "member",
        "source",
        "_loaded_at",
    )


def movie_cast(credit_lists: DataFrame) -> tuple[DataFrame, DataFrame]:
    """One row per (movie, person_key, character); entries naming nobody go to quarantine.

    A person listed twice for the same character keeps the lowest billing order.
    """
    entries = (
        _people_entries(credit_lists, "cast")
        .withColumn("character", clean_text(F.col("member.character")))
        .withColumn("billing_order", F.col("member.order"))
    )
    cast = first_per_key(
        entries.where(F.col("person_key").isNotNull()),
        ["movie_id", "person_key", "character"],
        [F.col("billing_order").asc_nulls_last(), F.col("gender").asc_nulls_last()],
    ).select(*MOVIE_CAST_COLUMNS)
    return cast, _rejects(entries, "movie_cast")


def movie_crew(credit_lists: DataFrame) -> tuple[DataFrame, DataFrame]:
    """One row per (movie, person_key, department, job); entries naming nobody go to quarantine."""
    entries = _people_entries(credit_lists, "crew").select(
        "*",
        clean_text(F.col("member.department")).alias("department"),
        clean_text(F.col("member.job")).alias("job"),
    )
    crew = first_per_key(
        entries.where(F.col("person_key").isNotNull()),
        ["movie_id", "person_key", "department", "job"],
        [F.col("gender").asc_nulls_last()],
    ).select(*MOVIE_CREW_COLUMNS)
    return crew, _rejects(entries, "movie_crew")


def _rejects(entries: DataFrame, entity: str) -> DataFrame:
    return quarantine_rows(
        entries.where(F.col("person_key").isNull()),
        source=F.col("source"),
        entity=entity,
        key=F.col("movie_id"),
        raw_value=F.to_json("member"),
        reason=F.lit(f"{entity.removeprefix('movie_')} entry has neither a person id nor a name"),
    )


def people(cast: DataFrame, crew: DataFrame) -> DataFrame:
    """One row per person_key: the latest row that knows the gender, else the latest row."""
    columns = ["person_key", "person_id", "person_name", "gender", "_loaded_at"]
    union = cast.select(*columns).unionByName(crew.select(*columns))
    return first_per_key(
        union,
        ["person_key"],
        [F.col("gender").isNull(), F.col("_loaded_at").desc(), F.col("person_name")],
    ).select(*PEOPLE_COLUMNS)
