with

movie_keywords as (

    select * from {{ ref('stg_silver__movie_keywords') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

final as (

    select
        movie_keywords.movie_id,
        movie_keywords.keyword_id

    from movie_keywords
    inner join movies
        on movie_keywords.movie_id = movies.movie_id

)

select * from final
