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
        _loaded_at

    from movies

)

select * from final
