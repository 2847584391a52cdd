with

source as (

    select * from {{ source('silver', 'yts_torrents') }}

),

renamed as (

    select
        cast(yts_id as bigint) as yts_id,
        cast(torrent_hash as {{ movie_warehouse.type_text() }}) as torrent_hash,
        cast(quality as {{ movie_warehouse.type_text() }}) as quality,
        cast(type as {{ movie_warehouse.type_text() }}) as release_source,
        cast(video_codec as {{ movie_warehouse.type_text() }}) as video_codec,
        cast(seeds as integer) as seeds,
        cast(peers as integer) as peers,
        cast(size_bytes as bigint) as size_bytes,
        {{ movie_warehouse.utc_timestamp('uploaded_at') }} as uploaded_at,
        cast(url as {{ movie_warehouse.type_text() }}) as torrent_url,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['yts_id', 'torrent_hash']) }}

),

final as (

    select
        yts_id,
        torrent_hash,
        quality,
        release_source,
        video_codec,
        seeds,
        peers,
        size_bytes,
        uploaded_at,
        torrent_url,
        _loaded_at

    from deduplicated

)

select * from final
