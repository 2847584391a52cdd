{{
    config(
        materialized='incremental',
        unique_key=['user_id', 'movielens_movie_id'],
        incremental_strategy=movie_warehouse.incremental_strategy(),
        on_schema_change='append_new_columns',
    )
}}

with

ratings as (

    select * from {{ ref('int_ratings_resolved') }}
    {% if is_incremental() %}
        where
            {{ movie_warehouse.incremental_lookback_filter('_loaded_at') }}
            or {{ movie_warehouse.incremental_lookback_filter('_movie_loaded_at', this_column='_loaded_at') }}
    {% endif %}

),

final as (

    select
        user_id,
        movielens_movie_id,
        movie_id,
        rating,
        rated_at,
        cast(rated_at as date) as rated_date,
        {{ movie_warehouse.month_start('rated_at') }} as rated_month,
        _loaded_at

    from ratings

)

select * from final
