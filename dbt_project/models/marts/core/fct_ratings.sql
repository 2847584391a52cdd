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
            -- Late-arriving dimension rows: a rating an earlier run stored without a movie, however
            -- old, is read again once its movie or crosswalk row has arrived and it resolves.
            or (
                movie_id is not null
                and movielens_movie_id in (
                    select movielens_movie_id from {{ this }}
                    where movie_id is null
                )
            )
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
