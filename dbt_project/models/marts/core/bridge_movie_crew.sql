with

movie_crew as (

    select * from {{ ref('stg_silver__movie_crew') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

catalogued as (

    select movie_crew.*

    from movie_crew
    inner join movies
        on movie_crew.movie_id = movies.movie_id

),

final as (

    select
        {{ movie_warehouse.generate_surrogate_key(['movie_id', 'person_key', 'department', 'job']) }}
            as movie_crew_key,
        movie_id,
        person_key,
        department,
        job,
        credit_source

    from catalogued

)

select * from final
