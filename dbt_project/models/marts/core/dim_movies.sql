{{
    config(
        materialized='incremental',
        unique_key='movie_id',
        incremental_strategy=movie_warehouse.incremental_strategy(),
        on_schema_change='append_new_columns',
    )
}}

with

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

movie_ids as (

    select * from {{ ref('stg_silver__movie_ids') }}

),

joined as (

    select
        movies.movie_id,
        movies.title,
        movies.original_title,
        movie_ids.movielens_movie_id,
        movie_ids.yts_id,
        movies.release_date,
        movies.release_year,
        movies.runtime_minutes,
        movies.original_language,
        movies.collection_id,
        movies.collection_name,
        movies.status,
        movies.popularity,
        movies.vote_average,
        movies.vote_count,
        coalesce(movie_ids.imdb_id, movies.imdb_id) as imdb_id,
        coalesce(movie_ids.is_in_omdb, false) as is_in_omdb,
        case
            when movie_ids._loaded_at > movies._loaded_at then movie_ids._loaded_at
            else movies._loaded_at
        end as _loaded_at

    from movies
    left join movie_ids
        on movies.movie_id = movie_ids.movie_id

),

changed as (

    select * from joined
    {% if is_incremental() %}
        where {{ movie_warehouse.incremental_lookback_filter('_loaded_at') }}
    {% endif %}

),

final as (

    select
        movie_id,
        title,
        original_title,
        imdb_id,
        release_date,
        release_year,
        runtime_minutes,
        original_language,
        collection_id,
        collection_name,
        status,
        popularity,
        vote_average,
        vote_count,
        _loaded_at,
        movielens_movie_id,
        yts_id,
        is_in_omdb

    from changed

)

select * from final
