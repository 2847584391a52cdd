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
        {{ movie_warehouse.utc_timestamp('rated_at') }} as rated_at,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

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
