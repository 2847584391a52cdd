"""Every silver entity as a Spark frame over raw/ (spark.jobs.silver commits them).

`entity_frames` builds them all from what a `RawReader` gives (spark.jobs.changes): all of raw/, or
only the rows of the movies a day changed. The tables that gather rows across movies also come as
functions of the silver tables committed before them, which is how they are written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from lakehouse.raw import QUARANTINE_COLUMNS
from spark.jobs.changes import RawReader
from spark.lake import Lake
from spark.transforms import (
    common,
    credits,
    crosswalk,
    inflation,
    keywords,
    movie_lists,
    movies,
    omdb,
    ratings,
    tmdb,
    yts,
)
from spark.transforms.common import union_all

RAW_QUARANTINE_SCHEMA = StructType(
    [StructField(name, StringType()) for name in (*QUARANTINE_COLUMNS, "_dlt_load_id")]
)

RAW_CREDITS_SCHEMA = StructType(
    [StructField(name, StringType()) for name in ("cast", "crew", "id", "_source_file", "_dlt_load_id")]
)


def cpi_frame(reader: RawReader) -> DataFrame:
    return inflation.silver_cpi_monthly(reader.read("fred", "cpiaucsl")).cache()


def entity_frames(
    reader: RawReader, base: date
) -> tuple[dict[str, DataFrame], dict[str, Callable[[Lake], DataFrame]]]:
    """Every silver entity but ratings as a frame over what `reader` gives, in commit order; and for
    the tables that gather rows across movies (companies, collections, the crosswalk, people), how
    to compute them from the silver tables committed before them. Those are written that way, so a
    merge of a few movies reaches them without every movie being parsed again; their frames over
    raw/ say what they are computed from."""
    typed_movies = movies.typed_movies(reader.read("kaggle", "movies_metadata")).cache()
    tmdb_typed = tmdb.typed_tmdb(reader.read("tmdb", "movies", tmdb.RAW_SCHEMA))
    tmdb_latest = tmdb.latest_responses(tmdb_typed).cache()  # every one is a movie
    movie_rows = movies.preferred_movies(
        movies.silver_movies(typed_movies), tmdb.tmdb_movie_rows(tmdb_latest)
    ).cache()
    parsed_genres = movies.parsed_kaggle_genres(typed_movies, movie_rows).cache()
    kaggle_genres, genre_rejects = movies.movie_genres(parsed_genres)
    genres = kaggle_genres.unionByName(tmdb.tmdb_genres(tmdb_latest, movie_rows))
    raw_links = reader.read("kaggle", "links")
    links = ratings.silver_movie_links(raw_links).cache()
    # The rows are merged from the loads silver has not consumed yet (spark.jobs.ratings); here only
    # their rejects are wanted.
    _, rating_rejects = ratings.silver_ratings(reader.read("kaggle", "ratings"), links, movie_rows)
    cpi = cpi_frame(reader)

    credit_entities, credit_rejects = _credit_entities(reader, movie_rows.select("movie_id"), tmdb_latest)
    list_entities, list_rejects = _list_entities(typed_movies, movie_rows, tmdb_latest)

    raw_keywords = reader.read("kaggle", "keywords", keywords.RAW_SCHEMA)
    kaggle_keywords = keywords.parsed_kaggle_keywords(raw_keywords, movie_rows).cache()
    omdb_typed = omdb.typed_omdb(reader.read("omdb", "movies", omdb.RAW_SCHEMA))
    omdb_latest = omdb.latest_omdb(omdb_typed).cache()
    yts_typed = yts.typed_yts(reader.read("yts", "movies", yts.RAW_SCHEMA))
    yts_latest = yts.latest_yts(yts_typed).cache()
    yts_movies = yts.yts_movies(yts_latest).cache()

    movie_ids, conflicts = _crosswalk(movie_rows, tmdb_latest, links, omdb_latest, yts_movies)
    rejects = [
        movies.movie_quarantine(typed_movies),
        genre_rejects,
        rating_rejects,
        ratings.link_rejects(raw_links),
        *list_rejects,
        tmdb.tmdb_rejects(tmdb_typed, movie_rows, tmdb_latest),
        keywords.kaggle_keyword_rejects(raw_keywords, movie_rows, kaggle_keywords),
        omdb.omdb_rejects(omdb_typed, omdb_latest),
        yts.yts_rejects(yts_typed, yts_latest),
        credit_rejects,
        _raw_quarantine(reader),
    ]
    entities: dict[str, DataFrame] = {
        "movies": movie_rows.drop("budget_nominal", "revenue_nominal"),
        "movie_genres": genres,
        "movie_links": links,
        "cpi_monthly": cpi,
        "movie_financials": inflation.movie_financials(movie_rows, cpi, base),
        **list_entities,
        "movie_release_dates": tmdb.movie_release_dates(tmdb_latest),
        "movie_external_ids": tmdb.movie_external_ids(tmdb_latest),
        "movie_keywords": keywords.movie_keywords(
            tmdb.tmdb_keyword_lists(tmdb_latest), keywords.kaggle_keyword_lists(kaggle_keywords)
        ),
        "omdb_movies": omdb.omdb_movies(omdb_latest),
        "omdb_ratings": omdb.omdb_ratings(omdb_latest),
        "yts_movies": yts_movies,
        "yts_torrents": yts.yts_torrents(yts_latest),
        "movie_ids": movie_ids,
        "movie_id_conflicts": conflicts,
        **credit_entities,
        "quarantine": union_all(*rejects),
    }
    gathered: dict[str, Callable[[Lake], DataFrame]] = {
        "companies": lambda lake: movie_lists.companies(lake.read_silver("movie_companies")),
        "collections": lambda lake: movie_lists.collections(
            lake.read_silver("movies")
            .select("collection_id", "collection_name", "_loaded_at")
            .unionByName(tmdb.tmdb_collections(tmdb_latest))
        ),
        "movie_ids": lambda lake: _crosswalk(
            lake.read_silver("movies"), tmdb_latest, links, omdb_latest, yts_movies
        )[0],
        "movie_id_conflicts": lambda lake: _crosswalk(
            lake.read_silver("movies"), tmdb_latest, links, omdb_latest, yts_movies
        )[1],
        "people": lambda lake: credits.people(lake.read_silver("movie_cast"), lake.read_silver("movie_crew")),
    }
    return entities, gathered


def _crosswalk(
    held: DataFrame, tmdb_latest: DataFrame, links: DataFrame, omdb_latest: DataFrame, yts_movies: DataFrame
) -> tuple[DataFrame, DataFrame]:
    """movie_ids and movie_id_conflicts for the movies in `held` (spark.transforms.crosswalk)."""
    return crosswalk.movie_ids(
        held,
        tmdb.tmdb_external_imdb_ids(tmdb_latest),
        links,
        omdb_latest.select(F.col("imdb_key").alias("imdb_id"), "_loaded_at"),
        yts_movies,
    )


def _credit_entities(
    reader: RawReader, movie_ids: DataFrame, tmdb_latest: DataFrame
) -> tuple[dict[str, DataFrame], DataFrame]:
    """movie_cast, movie_crew and people from Kaggle credits and TMDB credits (TMDB wins), and the
    rows they reject."""
    typed = credits.typed_kaggle_credits(reader.read("kaggle", "credits", RAW_CREDITS_SCHEMA))
    parsed = credits.parsed_kaggle_credits(typed, movie_ids).cache()
    lists = credits.preferred_credit_lists(
        credits.kaggle_credit_lists(parsed), tmdb.tmdb_credit_lists(tmdb_latest)
    ).cache()
    cast, cast_rejects = credits.movie_cast(lists)
    crew, crew_rejects = credits.movie_crew(lists)
    cast, crew = cast.cache(), crew.cache()
    entities = {"movie_cast": cast, "movie_crew": crew, "people": credits.people(cast, crew)}
    rejects = union_all(credits.kaggle_credit_rejects(typed, movie_ids, parsed), cast_rejects, crew_rejects)
    return entities, rejects


def _list_entities(
    typed_movies: DataFrame, movie_rows: DataFrame, tmdb_latest: DataFrame
) -> tuple[dict[str, DataFrame], list[DataFrame]]:
    """Companies, countries, spoken languages and collections from Kaggle and TMDB (TMDB wins)."""
    parsed = movie_lists.parsed_kaggle_movie_lists(typed_movies, movie_rows).cache()
    lists = movie_lists.preferred_movie_lists(
        movie_lists.kaggle_movie_lists(parsed), tmdb.tmdb_movie_lists(tmdb_latest)
    ).cache()
    company_rows, company_rejects = movie_lists.movie_companies(lists)
    company_rows = company_rows.cache()
    countries, country_rejects = movie_lists.movie_countries(lists)
    languages, language_rejects = movie_lists.movie_languages(lists)
    collection_rows = movie_rows.select("collection_id", "collection_name", "_loaded_at").unionByName(
        tmdb.tmdb_collections(tmdb_latest)
    )
    entities = {
        "movie_companies": company_rows,
        "companies": movie_lists.companies(company_rows),
        "movie_countries": countries,
        "movie_languages": languages,
        "collections": movie_lists.collections(collection_rows),
    }
    rejects = [
        movie_lists.kaggle_movie_list_rejects(parsed),
        company_rejects,
        country_rejects,
        language_rejects,
    ]
    return entities, rejects


def _raw_quarantine(reader: RawReader) -> DataFrame:
    frames = [
        common.raw_quarantine(
            common.with_text_columns(
                reader.read(dataset, "quarantine", RAW_QUARANTINE_SCHEMA),
                RAW_QUARANTINE_SCHEMA.fieldNames(),
            ),
            dataset,
        )
        for dataset in ("kaggle", "fred", "tmdb", "omdb", "yts")
    ]
    return union_all(*frames)
