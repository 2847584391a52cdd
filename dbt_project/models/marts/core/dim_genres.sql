with

movie_genres as (

    select * from {{ ref('stg_silver__movie_genres') }}

),

genres as (

    select
        genre_name,
        max(genre_id) as genre_id

    from movie_genres
    group by genre_name

),

final as (

    select
        {{ movie_warehouse.generate_surrogate_key(['genre_name']) }} as genre_key,
        genre_id,
        genre_name

    from genres

)

select * from final
