with

movie_genres as (

    select * from {{ ref('stg_silver__movie_genres') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

catalogued as (

    select
        movie_genres.movie_id,
        movie_genres.genre_name

    from movie_genres
    inner join movies
        on movie_genres.movie_id = movies.movie_id

),

final as (

    select
        movie_id,
        {{ movie_warehouse.generate_surrogate_key(['genre_name']) }} as genre_key

    from catalogued

)

select * from final
