with

source as (

    select * from {{ source('silver', 'movie_links') }}

),

renamed as (

    select
        cast(movielens_movie_id as bigint) as movielens_movie_id,
        cast(imdb_id as {{ movie_warehouse.type_text() }}) as imdb_id,
        cast(tmdb_id as bigint) as movie_id,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movielens_movie_id']) }}

),

final as (

    select
        movielens_movie_id,
        imdb_id,
        movie_id,
        _loaded_at

    from deduplicated

)

select * from final
