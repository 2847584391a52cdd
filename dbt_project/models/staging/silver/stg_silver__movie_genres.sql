with

source as (

    select * from {{ source('silver', 'movie_genres') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(genre_id as bigint) as genre_id,
        cast(genre_name as {{ movie_warehouse.type_text() }}) as genre_name,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id', 'genre_name']) }}

),

final as (

    select
        movie_id,
        genre_id,
        genre_name,
        _loaded_at

    from deduplicated

)

select * from final
