with

source as (

    select * from {{ source('silver', 'movie_cast') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(person_key as {{ movie_warehouse.type_text() }}) as person_key,
        cast(person_id as bigint) as person_id,
        cast(person_name as {{ movie_warehouse.type_text() }}) as person_name,
        cast(character as {{ movie_warehouse.type_text() }}) as character_name,
        cast(billing_order as integer) as billing_order,
        cast(gender as integer) as gender,
        cast(source as {{ movie_warehouse.type_text() }}) as credit_source,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id', 'person_key', 'character_name']) }}

),

final as (

    select
        movie_id,
        person_key,
        person_id,
        person_name,
        character_name,
        billing_order,
        gender,
        credit_source,
        _loaded_at

    from deduplicated

)

select * from final
