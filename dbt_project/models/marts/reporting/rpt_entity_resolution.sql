{#-
    Question: how well do the sources find each other? For each pair of sources the crosswalk joins,
    how many ids of the first resolve to the second: MovieLens movies to a catalog (TMDB) movie,
    catalog movies to an IMDb id, and movies with an IMDb id to OMDb's answer and to a YTS listing.
-#}

with

movies as (

    select * from {{ ref('dim_movies') }}

),

movie_links as (

    select * from {{ ref('stg_silver__movie_links') }}

),

movielens_movies as (

    select
        count(distinct movie_links.movielens_movie_id) as from_count,
        count(distinct movies.movielens_movie_id) as resolved_count

    from movie_links
    left join movies
        on movie_links.movielens_movie_id = movies.movielens_movie_id

),

catalog as (

    select
        count(*) as movie_count,
        count(imdb_id) as with_imdb_count,
        sum(case when imdb_id is not null and is_in_omdb then 1 else 0 end) as in_omdb_count,
        sum(case when imdb_id is not null and yts_id is not null then 1 else 0 end) as in_yts_count

    from movies

),

pairs as (

    select
        'movielens_to_tmdb' as source_pair,
        'MovieLens' as from_source,
        'TMDB' as to_source,
        from_count,
        resolved_count
    from movielens_movies

    union all

    select
        'tmdb_to_imdb' as source_pair,
        'TMDB' as from_source,
        'IMDb' as to_source,
        movie_count as from_count,
        with_imdb_count as resolved_count
    from catalog

    union all

    select
        'imdb_to_omdb' as source_pair,
        'IMDb' as from_source,
        'OMDb' as to_source,
        with_imdb_count as from_count,
        in_omdb_count as resolved_count
    from catalog

    union all

    select
        'imdb_to_yts' as source_pair,
        'IMDb' as from_source,
        'YTS' as to_source,
        with_imdb_count as from_count,
        in_yts_count as resolved_count
    from catalog

),

final as (

    select
        cast(source_pair as {{ movie_warehouse.type_text() }}) as source_pair,
        cast(from_source as {{ movie_warehouse.type_text() }}) as from_source,
        cast(to_source as {{ movie_warehouse.type_text() }}) as to_source,
        cast(from_count as bigint) as from_count,
        cast(resolved_count as bigint) as resolved_count,
        round({{ movie_warehouse.safe_divide('resolved_count', 'from_count') }}, 6) as resolution_rate

    from pairs

)

select * from final
