with

movie_cast as (

    select * from {{ ref('stg_silver__movie_cast') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

catalogued as (

    select movie_cast.*

    from movie_cast
    inner join movies
        on movie_cast.movie_id = movies.movie_id

),

final as (

    select
        {{ movie_warehouse.generate_surrogate_key(['movie_id', 'person_key', 'character_name']) }}
            as movie_cast_key,
        movie_id,
        person_key,
        character_name,
        billing_order,
        credit_source

    from catalogued

)

select * from final
