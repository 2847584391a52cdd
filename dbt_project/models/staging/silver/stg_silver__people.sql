with

source as (

    select * from {{ source('silver', 'people') }}

),

renamed as (

    select
        cast(person_key as {{ movie_warehouse.type_text() }}) as person_key,
        cast(person_id as bigint) as person_id,
        cast(person_name as {{ movie_warehouse.type_text() }}) as person_name,
        cast(gender as integer) as gender,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['person_key']) }}

),

final as (

    select
        person_key,
        person_id,
        person_name,
        gender,
        _loaded_at

    from deduplicated

)

select * from final
