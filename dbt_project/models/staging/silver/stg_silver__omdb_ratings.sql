with

source as (

    select * from {{ source('silver', 'omdb_ratings') }}

),

renamed as (

    select
        cast(imdb_id as {{ movie_warehouse.type_text() }}) as imdb_id,
        cast(source as {{ movie_warehouse.type_text() }}) as rating_source,
        cast(value as {{ movie_warehouse.type_text() }}) as rating_value,
        cast(score as {{ movie_warehouse.type_double() }}) as score,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['imdb_id', 'rating_source']) }}

),

final as (

    select
        imdb_id,
        rating_source,
        rating_value,
        score,
        _loaded_at

    from deduplicated

)

select * from final
