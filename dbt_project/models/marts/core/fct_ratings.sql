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

{% if is_incremental() %}

stored as (

    select
        user_id,
        movielens_movie_id,
        movie_id,
        _loaded_at

    from {{ this }}
    -- A re-read row matches only a stored row of its own load, so stored rows older than the
    -- window can never match: leaving them out keeps the join to the window's size.
    where {{ movie_warehouse.incremental_lookback_filter('_loaded_at') }}

),

{% endif %}

-- Only rows that change the table are merged: a re-read row that is already stored from the same
-- load with the same movie is left alone. The first incremental run after a full load re-reads the
-- whole load (it is inside the lookback), and merging all of it updated every row for nothing.
changed as (

    select ratings.*

    from ratings
    {% if is_incremental() %}
        left join stored
            on
                ratings.user_id = stored.user_id
                and ratings.movielens_movie_id = stored.movielens_movie_id
                and ratings._loaded_at = stored._loaded_at
                and {{ movie_warehouse.null_safe_equal('ratings.movie_id', 'stored.movie_id') }}
        where stored.user_id is null
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

    from changed

)

select * from final
