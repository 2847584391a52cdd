with

source as (

    select * from {{ source('silver', 'cpi_monthly') }}

),

renamed as (

    select
        cast(month as date) as cpi_month,
        cast(cpi as {{ movie_warehouse.type_double() }}) as cpi,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['cpi_month']) }}

),

final as (

    select
        cpi_month,
        cpi,
        _loaded_at

    from deduplicated

)

select * from final
