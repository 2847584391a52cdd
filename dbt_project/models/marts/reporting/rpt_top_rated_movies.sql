{%- set min_votes = var('min_votes', 50) | int -%}

with

ratings as (

    select * from {{ ref('fct_ratings') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

overall as (

    select avg(rating) as mean_rating_all_movies
    from ratings

),

per_movie as (

    select
        movie_id,
        count(*) as rating_count,
        avg(rating) as average_rating

    from ratings
    where movie_id is not null
    group by movie_id

),

weighted as (

    select
        per_movie.movie_id,
        per_movie.rating_count,
        per_movie.average_rating,
        overall.mean_rating_all_movies,
        (
            {{ movie_warehouse.safe_divide('per_movie.rating_count', 'per_movie.rating_count + ' ~ min_votes) }}
            * per_movie.average_rating
        )
        + (
            {{ movie_warehouse.safe_divide(min_votes, 'per_movie.rating_count + ' ~ min_votes) }}
            * overall.mean_rating_all_movies
        ) as weighted_rating

    from per_movie
    cross join overall
    where per_movie.rating_count >= {{ min_votes }}

),

final as (

    select
        row_number() over (
            order by
                weighted.weighted_rating desc,
                weighted.rating_count desc,
                weighted.movie_id asc
        ) as rating_rank,
        weighted.movie_id,
        movies.title,
        movies.release_year,
        weighted.rating_count,
        round(weighted.average_rating, 6) as average_rating,
        round(weighted.weighted_rating, 6) as weighted_rating,
        cast({{ min_votes }} as integer) as min_votes,
        round(weighted.mean_rating_all_movies, 6) as mean_rating_all_movies

    from weighted
    inner join movies
        on weighted.movie_id = movies.movie_id

)

select * from final
