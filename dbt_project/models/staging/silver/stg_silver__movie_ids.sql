with

source as (

    select * from {{ source('silver', 'movie_ids') }}

),

renamed as (

    select
        cast(movie_id as bigint) as movie_id,
        cast(imdb_id as {{ movie_warehouse.type_text() }}) as imdb_id,
        cast(movielens_movie_id as bigint) as movielens_movie_id,
        cast(yts_id as bigint) as yts_id,
        cast(in_omdb as boolean) as is_in_omdb,
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
        movielens_movie_id,
        yts_id,
        is_in_omdb,
        _loaded_at

    from deduplicated

)

select * from final
