with

movie_countries as (

    select * from {{ ref('stg_silver__movie_countries') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

final as (

    select
        movie_countries.movie_id,
        movie_countries.country_code,
        movie_countries.list_source

    from movie_countries
    inner join movies
        on movie_countries.movie_id = movies.movie_id

)

select * from final
