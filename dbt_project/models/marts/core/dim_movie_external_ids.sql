with

external_ids as (

    select * from {{ ref('stg_silver__movie_external_ids') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

final as (

    select
        external_ids.movie_id,
        external_ids.id_source,
        external_ids.external_id

    from external_ids
    inner join movies
        on external_ids.movie_id = movies.movie_id

)

select * from final
