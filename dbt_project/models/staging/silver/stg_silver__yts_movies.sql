with

source as (

    select * from {{ source('silver', 'yts_movies') }}

),

renamed as (

    select
        cast(yts_id as bigint) as yts_id,
        cast(imdb_id as {{ movie_warehouse.type_text() }}) as imdb_id,
        cast(title as {{ movie_warehouse.type_text() }}) as title,
        cast(year as integer) as release_year,
        cast(rating as {{ movie_warehouse.type_double() }}) as yts_rating,
        cast(runtime_minutes as integer) as runtime_minutes,
        {{ movie_warehouse.array_to_text('genres') }} as genre_names,
        {{ movie_warehouse.utc_timestamp('uploaded_at') }} as uploaded_at,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['yts_id']) }}

),

final as (

    select
        yts_id,
        imdb_id,
        title,
        release_year,
        yts_rating,
        runtime_minutes,
        genre_names,
        uploaded_at,
        _loaded_at

    from deduplicated

)

select * from final
