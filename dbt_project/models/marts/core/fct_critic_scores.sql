{{
    config(
        materialized='incremental',
        unique_key=['movie_id', 'critic_source'],
        incremental_strategy=movie_warehouse.incremental_strategy(),
        on_schema_change='append_new_columns',
    )
}}

with

omdb_ratings as (

    select * from {{ ref('stg_silver__omdb_ratings') }}

),

movie_ids as (

    select * from {{ ref('stg_silver__movie_ids') }}

),

resolved as (

    select
        movie_ids.movie_id,
        omdb_ratings.imdb_id,
        omdb_ratings.rating_source as critic_source_name,
        omdb_ratings.rating_value,
        omdb_ratings.score,
        omdb_ratings._loaded_at,
        movie_ids._loaded_at as crosswalk_loaded_at,
        case omdb_ratings.rating_source
            when 'Internet Movie Database' then 'imdb'
            when 'Rotten Tomatoes' then 'rotten_tomatoes'
            when 'Metacritic' then 'metacritic'
            else lower(replace(omdb_ratings.rating_source, ' ', '_'))
        end as critic_source

    from omdb_ratings
    inner join movie_ids
        on omdb_ratings.imdb_id = movie_ids.imdb_id

),

-- A score whose crosswalk row arrived after it (a late-arriving dimension row) is re-read too.
changed as (

    select * from resolved
    {% if is_incremental() %}
        where
            {{ movie_warehouse.incremental_lookback_filter('_loaded_at') }}
            or {{ movie_warehouse.incremental_lookback_filter('crosswalk_loaded_at', this_column='_loaded_at') }}
    {% endif %}

),

final as (

    select
        movie_id,
        critic_source,
        critic_source_name,
        imdb_id,
        rating_value,
        score,
        _loaded_at

    from changed

)

select * from final
