"""The SQL behind each dashboard panel, over the marts the semantic layer is defined on.

Every panel reads `marts.dim_movies` joined to `marts.fct_movie_performance` (one row per film,
where weighted rating and ROI are defined once) and narrows it with the filters' predicate. The
measures are the semantic layer's (`_marts__metrics.yml`): a film count, summed adjusted revenue,
the median of ROI over films whose budget is large enough to rank, summed rating counts. The SQL is
written in the dialect both DuckDB and Trino accept (`flows.warehouse` spells out `median` for
Trino).
"""

from __future__ import annotations

from dashboard.filters import Filters
from lakehouse.sql import sql_string, sql_strings

TOP_FILMS = 20
GENRE_FILMS = 100  # a genre can hold thousands of films: the most rated are listed


def films(filters: Filters) -> str:
    """A CTE `films`: the filtered films with their attributes and performance."""
    return (
        "with films as ("
        " select movies.movie_id, movies.title, movies.release_year, movies.release_date,"
        " movies.original_language, performance.rating_count, performance.weighted_rating,"
        " performance.is_rated_enough, performance.revenue_adjusted, performance.budget_adjusted,"
        " performance.roi, performance.is_roi_ranked"
        " from marts.dim_movies as movies"
        " inner join marts.fct_movie_performance as performance"
        " on movies.movie_id = performance.movie_id"
        f" where {filters.predicate('movies')})"
    )


def overview(filters: Filters) -> str:
    """One row: films, films with revenue, ratings, adjusted revenue, median ROI of ranked films."""
    return (
        f"{films(filters)} select count(*) as films,"
        " count(revenue_adjusted) as films_with_revenue,"
        " cast(coalesce(sum(rating_count), 0) as bigint) as ratings,"
        " round(sum(revenue_adjusted), 2) as total_revenue_adjusted,"
        " round(median(case when is_roi_ranked then roi end), 4) as median_roi"
        " from films"
    )


def genres(filters: Filters) -> str:
    """Per genre of the filtered films: films, ratings, adjusted revenue, median ROI; richest first.

    With genres chosen, only those genres are listed (a chosen film's other genres are not).
    """
    chosen = f" where genres.genre_name in ({sql_strings(filters.genres)})" if filters.genres else ""
    return (
        f"{films(filters)} select genres.genre_name as genre, count(*) as films,"
        " count(films.revenue_adjusted) as films_with_revenue,"
        " cast(coalesce(sum(films.rating_count), 0) as bigint) as ratings,"
        " round(coalesce(sum(films.revenue_adjusted), 0), 2) as total_revenue_adjusted,"
        " round(median(case when films.is_roi_ranked then films.roi end), 4) as median_roi"
        " from films"
        " inner join marts.bridge_movie_genres as movie_genres on films.movie_id = movie_genres.movie_id"
        " inner join marts.dim_genres as genres on movie_genres.genre_key = genres.genre_key"
        f"{chosen}"
        " group by genres.genre_name"
        " order by total_revenue_adjusted desc, genre asc"
    )


def release_months(filters: Filters) -> str:
    """Per release month: dated films with revenue, their adjusted revenue total and median."""
    return (
        f"{films(filters)} select cast(extract(month from release_date) as integer) as month,"
        " count(*) as films_with_revenue,"
        " round(sum(revenue_adjusted), 2) as total_revenue_adjusted,"
        " round(median(revenue_adjusted), 2) as median_revenue_adjusted"
        " from films"
        " where revenue_adjusted is not null and release_date is not null"
        " group by cast(extract(month from release_date) as integer)"
        " order by month"
    )


def top_rated(filters: Filters, limit: int = TOP_FILMS) -> str:
    """The filtered films rated often enough to rank, by weighted rating."""
    return (
        f"{films(filters)} select title, release_year as year, original_language as language,"
        " round(weighted_rating, 3) as weighted_rating, rating_count as ratings"
        " from films where is_rated_enough"
        f" order by weighted_rating desc, ratings desc, title asc limit {int(limit)}"
    )


def genre_films(filters: Filters, genre: str, limit: int = GENRE_FILMS) -> str:
    """The filtered films of one genre, most rated first, with their money; `films` is their count."""
    return (
        f"{films(filters)} select films.title, films.release_year as year,"
        " films.original_language as language, films.rating_count as ratings,"
        " count(*) over () as films,"
        " round(films.weighted_rating, 3) as weighted_rating,"
        " round(films.revenue_adjusted, 2) as revenue_adjusted, round(films.roi, 4) as roi"
        " from films"
        " inner join marts.bridge_movie_genres as movie_genres on films.movie_id = movie_genres.movie_id"
        " inner join marts.dim_genres as genres on movie_genres.genre_key = genres.genre_key"
        f" where genres.genre_name = {sql_string(genre)}"
        f" order by ratings desc, films.title asc, year asc limit {int(limit)}"
    )


def genre_names() -> str:
    """Every genre name, for the genre filter."""
    return "select genre_name from marts.dim_genres order by genre_name"


def languages() -> str:
    """The films' original languages with their names, most films first, for the language filter."""
    return (
        "select movies.original_language as code,"
        " coalesce(max(names.language_name), movies.original_language) as name, count(*) as films"
        " from marts.dim_movies as movies"
        " left join marts.dim_languages as names on movies.original_language = names.language_code"
        " where movies.original_language is not null"
        " group by movies.original_language"
        " order by films desc, code asc"
    )


def year_bounds() -> str:
    """The first and last release year of the catalog, for the year slider."""
    return "select min(release_year) as first, max(release_year) as last from marts.dim_movies"
