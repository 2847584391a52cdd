with

source as (

    select * from {{ source('silver', 'movie_external_ids') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(id_source as {{ movie_warehouse.type_text() }}) as id_source,
        cast(external_id as {{ movie_warehouse.type_text() }}) as external_id,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id', 'id_source']) }}

),

final as (

    select
        movie_id,
        id_source,
        external_id,
        _loaded_at

    from deduplicated

)

select * from final
