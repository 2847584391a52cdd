with

performance as (

    select * from {{ ref('fct_movie_performance') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

rated as (

    select * from performance
    where is_rated_enough

),

final as (

    select
        row_number() over (
            order by
                rated.weighted_rating desc,
                rated.rating_count desc,
                rated.movie_id asc
        ) as rating_rank,
        rated.movie_id,
        movies.title,
        movies.release_year,
        rated.rating_count,
        round(rated.average_rating, 6) as average_rating,
        round(rated.weighted_rating, 6) as weighted_rating,
        cast({{ movie_warehouse.numeric_var('min_votes', 50) }} as integer) as min_votes,
        round(rated.mean_rating_all_movies, 6) as mean_rating_all_movies

    from rated
    inner join movies
        on rated.movie_id = movies.movie_id

)

select * from final
