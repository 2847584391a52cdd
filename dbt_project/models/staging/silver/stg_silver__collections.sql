with

source as (

    select * from {{ source('silver', 'collections') }}

),

renamed as (

    select
        cast(collection_id as bigint) as collection_id,
        cast(collection_name as {{ movie_warehouse.type_text() }}) as collection_name,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['collection_id']) }}

),

final as (

    select
        collection_id,
        collection_name,
        _loaded_at

    from deduplicated

)

select * from final
