with

ratings as (

    select * from {{ ref('stg_silver__ratings') }}

),

movie_links as (

    select * from {{ ref('stg_silver__movie_links') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

linked as (

    select
        ratings.user_id,
        ratings.movielens_movie_id,
        ratings.rating,
        ratings.rated_at,
        ratings._loaded_at,
        coalesce(ratings.movie_id, movie_links.movie_id) as linked_movie_id

    from ratings
    left join movie_links
        on ratings.movielens_movie_id = movie_links.movielens_movie_id

),

final as (

    select
        linked.user_id,
        linked.movielens_movie_id,
        movies.movie_id,
        linked.rating,
        linked.rated_at,
        linked._loaded_at

    from linked
    left join movies
        on linked.linked_movie_id = movies.movie_id

)

select * from final
