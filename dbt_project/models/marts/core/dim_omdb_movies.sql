{#- OMDb's view of a catalog movie: reached through the crosswalk's IMDb id. -#}

with

omdb_movies as (

    select * from {{ ref('stg_silver__omdb_movies') }}

),

movie_ids as (

    select * from {{ ref('stg_silver__movie_ids') }}

),

final as (

    select
        movie_ids.movie_id,
        omdb_movies.imdb_id,
        omdb_movies.title as omdb_title,
        omdb_movies.mpaa_rating,
        omdb_movies.awards,
        omdb_movies.imdb_rating,
        omdb_movies.imdb_votes,
        omdb_movies.metascore,
        omdb_movies.box_office_usd,
        omdb_movies._loaded_at

    from omdb_movies
    inner join movie_ids
        on omdb_movies.imdb_id = movie_ids.imdb_id

)

select * from final
