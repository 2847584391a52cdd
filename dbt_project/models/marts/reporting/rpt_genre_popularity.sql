with

ratings as (

    select * from {{ ref('fct_ratings') }}

),

bridge_movie_genres as (

    select * from {{ ref('bridge_movie_genres') }}

),

genres as (

    select * from {{ ref('dim_genres') }}

),

genre_movies as (

    select
        genre_key,
        count(*) as movie_count

    from bridge_movie_genres
    group by genre_key

),

-- Counts and the mean come from one row per rated movie (26M ratings become 45K rows at Kaggle
-- scale); only the distinct raters need the rating-by-genre join. One aggregate holding both
-- distinct counts over that join took twice as long in DuckDB (9.2 s against 4.2 s).
movie_ratings as (

    select
        movie_id,
        count(*) as rating_count,
        sum(rating) as rating_sum

    from ratings
    where movie_id is not null
    group by movie_id

),

genre_ratings as (

    select
        bridge_movie_genres.genre_key,
        cast(sum(movie_ratings.rating_count) as bigint) as rating_count,
        count(*) as rated_movie_count,
        sum(movie_ratings.rating_sum) / sum(movie_ratings.rating_count) as average_rating

    from movie_ratings
    inner join bridge_movie_genres
        on movie_ratings.movie_id = bridge_movie_genres.movie_id
    group by bridge_movie_genres.genre_key

),

genre_raters as (

    select
        bridge_movie_genres.genre_key,
        count(distinct ratings.user_id) as rater_count

    from ratings
    inner join bridge_movie_genres
        on ratings.movie_id = bridge_movie_genres.movie_id
    group by bridge_movie_genres.genre_key

),

final as (

    select
        genres.genre_key,
        genres.genre_name,
        coalesce(genre_movies.movie_count, 0) as movie_count,
        coalesce(genre_ratings.rated_movie_count, 0) as rated_movie_count,
        coalesce(genre_ratings.rating_count, 0) as rating_count,
        coalesce(genre_raters.rater_count, 0) as rater_count,
        round(genre_ratings.average_rating, 6) as average_rating,
        row_number() over (
            order by coalesce(genre_ratings.rating_count, 0) desc, genres.genre_name asc
        ) as popularity_rank

    from genres
    left join genre_movies
        on genres.genre_key = genre_movies.genre_key
    left join genre_ratings
        on genres.genre_key = genre_ratings.genre_key
    left join genre_raters
        on genres.genre_key = genre_raters.genre_key

)

select * from final
