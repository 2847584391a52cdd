with

movie_companies as (

    select * from {{ ref('stg_silver__movie_companies') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

final as (

    select
        movie_companies.movie_id,
        movie_companies.company_key,
        movie_companies.list_source

    from movie_companies
    inner join movies
        on movie_companies.movie_id = movies.movie_id

)

select * from final
