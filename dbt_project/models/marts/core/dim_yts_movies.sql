{#-
    Every YTS movie, with the catalog movie it resolves to through the crosswalk (null when YTS lists
    a film the catalog does not hold).
-#}

with

yts_movies as (

    select * from {{ ref('stg_silver__yts_movies') }}

),

movie_ids as (

    select * from {{ ref('stg_silver__movie_ids') }}

),

final as (

    select
        yts_movies.yts_id,
        movie_ids.movie_id,
        yts_movies.imdb_id,
        yts_movies.title,
        yts_movies.release_year,
        yts_movies.yts_rating,
        yts_movies.runtime_minutes,
        yts_movies.genre_names,
        yts_movies.uploaded_at,
        yts_movies._loaded_at

    from yts_movies
    left join movie_ids
        on yts_movies.yts_id = movie_ids.yts_id

)

select * from final
