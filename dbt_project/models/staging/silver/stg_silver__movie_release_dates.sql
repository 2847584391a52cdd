with

source as (

    select * from {{ source('silver', 'movie_release_dates') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(country as {{ movie_warehouse.type_text() }}) as country_code,
        cast(type as integer) as release_type,
        cast(release_date as date) as release_date,
        cast(certification as {{ movie_warehouse.type_text() }}) as certification,
        cast(note as {{ movie_warehouse.type_text() }}) as release_note,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest(
        'renamed', partition_by=['movie_id', 'country_code', 'release_type', 'release_date']
    ) }}

),

final as (

    select
        movie_id,
        country_code,
        release_type,
        release_date,
        certification,
        release_note,
        _loaded_at

    from deduplicated

)

select * from final
