with

movie_languages as (

    select * from {{ ref('stg_silver__movie_languages') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

final as (

    select
        movie_languages.movie_id,
        movie_languages.list_source,
        lower(movie_languages.language_code) as language_code

    from movie_languages
    inner join movies
        on movie_languages.movie_id = movies.movie_id

)

select * from final
