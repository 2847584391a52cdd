with

source as (

    select * from {{ source('silver', 'movies') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(imdb_id as {{ movie_warehouse.type_text() }}) as imdb_id,
        cast(title as {{ movie_warehouse.type_text() }}) as title,
        cast(original_title as {{ movie_warehouse.type_text() }}) as original_title,
        cast(original_language as {{ movie_warehouse.type_text() }}) as original_language,
        cast(overview as {{ movie_warehouse.type_text() }}) as overview,
        cast(status as {{ movie_warehouse.type_text() }}) as status,
        cast(release_date as date) as release_date,
        cast(release_year as integer) as release_year,
        cast(runtime_minutes as integer) as runtime_minutes,
        cast(popularity as {{ movie_warehouse.type_double() }}) as popularity,
        cast(vote_average as {{ movie_warehouse.type_double() }}) as vote_average,
        cast(vote_count as bigint) as vote_count,
        cast(collection_id as bigint) as collection_id,
        cast(collection_name as {{ movie_warehouse.type_text() }}) as collection_name,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id']) }}

),

final as (

    select
        movie_id,
        imdb_id,
        title,
        original_title,
        original_language,
        overview,
        status,
        release_date,
        release_year,
        runtime_minutes,
        popularity,
        vote_average,
        vote_count,
        collection_id,
        collection_name,
        _loaded_at

    from deduplicated

)

select * from final
