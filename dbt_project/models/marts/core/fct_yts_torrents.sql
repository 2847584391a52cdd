with

yts_torrents as (

    select * from {{ ref('stg_silver__yts_torrents') }}

),

yts_movies as (

    select * from {{ ref('dim_yts_movies') }}

),

final as (

    select
        yts_torrents.yts_id,
        yts_torrents.torrent_hash,
        yts_movies.movie_id,
        yts_torrents.quality,
        yts_torrents.release_source,
        yts_torrents.video_codec,
        yts_torrents.seeds,
        yts_torrents.peers,
        yts_torrents.size_bytes,
        yts_torrents.uploaded_at,
        yts_torrents.torrent_url,
        yts_torrents._loaded_at

    from yts_torrents
    inner join yts_movies
        on yts_torrents.yts_id = yts_movies.yts_id

)

select * from final
