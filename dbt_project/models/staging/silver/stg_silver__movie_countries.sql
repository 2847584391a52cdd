with

source as (

    select * from {{ source('silver', 'movie_countries') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(country_code as {{ movie_warehouse.type_text() }}) as country_code,
        cast(country_name as {{ movie_warehouse.type_text() }}) as country_name,
        cast(source as {{ movie_warehouse.type_text() }}) as list_source,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id', 'country_code']) }}

),

final as (

    select
        movie_id,
        country_code,
        country_name,
        list_source,
        _loaded_at

    from deduplicated

)

select * from final
