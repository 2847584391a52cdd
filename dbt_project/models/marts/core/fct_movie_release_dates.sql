with

release_dates as (

    select * from {{ ref('stg_silver__movie_release_dates') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

final as (

    select
        release_dates.movie_id,
        release_dates.country_code,
        release_dates.release_type,
        release_dates.release_date,
        release_dates.certification,
        release_dates.release_note,
        release_dates._loaded_at

    from release_dates
    inner join movies
        on release_dates.movie_id = movies.movie_id

)

select * from final
