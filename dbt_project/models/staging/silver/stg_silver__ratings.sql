with

source as (

    select * from {{ source('silver', 'ratings') }}

),

renamed as (

    select
        cast(user_id as bigint) as user_id,
        cast(movielens_movie_id as bigint) as movielens_movie_id,
        cast(movie_id as bigint) as movie_id,
        cast(rating as {{ movie_warehouse.type_double() }}) as rating,
        cast(rated_at as timestamp) as rated_at,
        cast(_loaded_at as timestamp) as _loaded_at

    from source

),

final as (

    select
        user_id,
        movielens_movie_id,
        movie_id,
        rating,
        rated_at,
        _loaded_at

    from renamed

)

select * from final
