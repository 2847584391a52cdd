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
-- scale); only the distinct raters need each rating's user (genre_raters below).
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

-- Distinct raters per genre without a distinct count over the rating-genre join (52M rows at
-- Kaggle scale): a genre is one bit of a 63-bit word, a movie's genres are OR-ed into one mask
-- per word, each user's masks are OR-ed over the movies they rated (26M rows become 270K), and a
-- genre's raters are the users whose mask holds its bit. DuckDB: 0.4-0.7 s against 3.8-5.0 s.
genre_bits as (

    select
        genre_key,
        cast(floor((genre_position - 1) / 63e0) as integer) as genre_word,
        {{ movie_warehouse.bit_flag('cast(mod(genre_position - 1, 63) as integer)') }} as genre_flag

    from (
        select
            genre_key,
            row_number() over (order by genre_key) as genre_position

        from genres
    ) as numbered

),

movie_genre_masks as (

    select
        bridge_movie_genres.movie_id,
        genre_bits.genre_word,
        {{ movie_warehouse.bit_or_agg('genre_bits.genre_flag') }} as genre_mask

    from bridge_movie_genres
    inner join genre_bits
        on bridge_movie_genres.genre_key = genre_bits.genre_key
    group by bridge_movie_genres.movie_id, genre_bits.genre_word

),

user_genre_masks as (

    select
        ratings.user_id,
        movie_genre_masks.genre_word,
        {{ movie_warehouse.bit_or_agg('movie_genre_masks.genre_mask') }} as genre_mask

    from ratings
    inner join movie_genre_masks
        on ratings.movie_id = movie_genre_masks.movie_id
    group by ratings.user_id, movie_genre_masks.genre_word

),

genre_raters as (

    select
        genre_bits.genre_key,
        count(*) as rater_count

    from user_genre_masks
    inner join genre_bits
        on user_genre_masks.genre_word = genre_bits.genre_word
    where {{ movie_warehouse.bit_and('user_genre_masks.genre_mask', 'genre_bits.genre_flag') }} <> 0
    group by genre_bits.genre_key

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
