{#-
    One row per movie and genre, carrying the movie's performance (fct_movie_performance): the grain
    the semantic layer's per-genre metrics sum over. A film counts once in each of its genres, so
    genre totals add up to more than the catalog's.
-#}

with

movie_genres as (

    select * from {{ ref('bridge_movie_genres') }}

),

performance as (

    select * from {{ ref('fct_movie_performance') }}

),

final as (

    select
        movie_genres.movie_id,
        movie_genres.genre_key,
        performance.release_date,
        performance.revenue_adjusted,
        performance.budget_adjusted,
        performance.profit_adjusted,
        performance.roi,
        performance.is_roi_ranked,
        performance.rating_count,
        performance.rating_sum,
        performance.weighted_rating,
        performance.is_rated_enough

    from movie_genres
    inner join performance
        on movie_genres.movie_id = performance.movie_id

)

select * from final
