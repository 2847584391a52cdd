with

source as (

    select * from {{ source('silver', 'movie_financials') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(release_date as date) as release_date,
        cast(release_month as date) as release_month,
        cast(base_month as date) as base_month,
        cast(budget_nominal as {{ movie_warehouse.type_double() }}) as budget_nominal,
        cast(revenue_nominal as {{ movie_warehouse.type_double() }}) as revenue_nominal,
        cast(cpi_release as {{ movie_warehouse.type_double() }}) as cpi_release,
        cast(cpi_base as {{ movie_warehouse.type_double() }}) as cpi_base,
        cast(inflation_factor as {{ movie_warehouse.type_double() }}) as inflation_factor,
        cast(budget_adjusted as {{ movie_warehouse.type_double() }}) as budget_adjusted,
        cast(revenue_adjusted as {{ movie_warehouse.type_double() }}) as revenue_adjusted,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id']) }}

),

final as (

    select
        movie_id,
        release_date,
        release_month,
        base_month,
        budget_nominal,
        revenue_nominal,
        cpi_release,
        cpi_base,
        inflation_factor,
        budget_adjusted,
        revenue_adjusted,
        _loaded_at

    from deduplicated

)

select * from final
