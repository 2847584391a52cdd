with

source as (

    select * from {{ source('silver', 'movie_companies') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(company_key as {{ movie_warehouse.type_text() }}) as company_key,
        cast(company_id as bigint) as company_id,
        cast(company_name as {{ movie_warehouse.type_text() }}) as company_name,
        cast(source as {{ movie_warehouse.type_text() }}) as list_source,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id', 'company_key']) }}

),

final as (

    select
        movie_id,
        company_key,
        company_id,
        company_name,
        list_source,
        _loaded_at

    from deduplicated

)

select * from final
