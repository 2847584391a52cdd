with

quarantine as (

    select * from {{ source('silver', 'quarantine') }}

),

renamed as (

    select
        {{ movie_warehouse.generate_surrogate_key(
            ['layer', 'source', 'entity', 'record_key', 'raw_value', 'reason']
        ) }} as quarantine_record_id,
        cast(layer as {{ movie_warehouse.type_text() }}) as layer,
        cast(source as {{ movie_warehouse.type_text() }}) as source_name,
        cast(entity as {{ movie_warehouse.type_text() }}) as entity,
        cast(record_key as {{ movie_warehouse.type_text() }}) as record_key,
        cast(raw_value as {{ movie_warehouse.type_text() }}) as raw_value,
        cast(reason as {{ movie_warehouse.type_text() }}) as reason,
        cast(movie_id as bigint) as movie_id,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from quarantine

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['quarantine_record_id']) }}

),

final as (

    select
        quarantine_record_id,
        layer,
        source_name,
        entity,
        record_key,
        raw_value,
        reason,
        movie_id,
        _loaded_at

    from deduplicated

)

select * from final
