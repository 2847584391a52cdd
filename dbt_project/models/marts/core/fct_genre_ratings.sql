{{ config(materialized='view') }}

{#-
    One row per MovieLens rating and genre of its movie: the grain on which a genre's distinct raters
    are counted. A view, not a table: at Kaggle scale it is 52M rows that only metric queries read.
-#}

with

ratings as (

    select * from {{ ref('fct_ratings') }}

),

movie_genres as (

    select * from {{ ref('bridge_movie_genres') }}

),

final as (

    select
        ratings.user_id,
        ratings.movielens_movie_id,
        movie_genres.genre_key,
        ratings.movie_id,
        ratings.rating,
        ratings.rated_date

    from ratings
    inner join movie_genres
        on ratings.movie_id = movie_genres.movie_id

)

select * from final
