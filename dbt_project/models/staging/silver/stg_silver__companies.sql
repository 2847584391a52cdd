with

source as (

    select * from {{ source('silver', 'companies') }}

),

renamed as (

    select
        cast(company_key as {{ movie_warehouse.type_text() }}) as company_key,
        cast(company_id as bigint) as company_id,
        cast(company_name as {{ movie_warehouse.type_text() }}) as company_name,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['company_key']) }}

),

final as (

    select
        company_key,
        company_id,
        company_name,
        _loaded_at

    from deduplicated

)

select * from final
