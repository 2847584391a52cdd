with

source as (

    select * from {{ source('silver', 'movie_keywords') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(keyword_id as bigint) as keyword_id,
        cast(keyword_name as {{ movie_warehouse.type_text() }}) as keyword_name,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id', 'keyword_id']) }}

),

final as (

    select
        movie_id,
        keyword_id,
        keyword_name,
        _loaded_at

    from deduplicated

)

select * from final
