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

genre_ratings as (

    select
        bridge_movie_genres.genre_key,
        count(*) as rating_count,
        count(distinct ratings.movie_id) as rated_movie_count,
        count(distinct ratings.user_id) as rater_count,
        avg(ratings.rating) as average_rating

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
        coalesce(genre_ratings.rater_count, 0) as rater_count,
        round(genre_ratings.average_rating, 6) as average_rating,
        row_number() over (
            order by coalesce(genre_ratings.rating_count, 0) desc, genres.genre_name asc
        ) as popularity_rank

    from genres
    left join genre_movies
        on genres.genre_key = genre_movies.genre_key
    left join genre_ratings
        on genres.genre_key = genre_ratings.genre_key

)

select * from final
