with

source as (

    select * from {{ source('silver', 'omdb_movies') }}

),

renamed as (

    select
        cast(imdb_id as {{ movie_warehouse.type_text() }}) as imdb_id,
        cast(title as {{ movie_warehouse.type_text() }}) as title,
        cast(year as integer) as release_year,
        cast(metascore as integer) as metascore,
        cast(imdb_rating as {{ movie_warehouse.type_double() }}) as imdb_rating,
        cast(imdb_votes as bigint) as imdb_votes,
        cast(box_office_usd as bigint) as box_office_usd,
        cast(rated as {{ movie_warehouse.type_text() }}) as mpaa_rating,
        cast(awards as {{ movie_warehouse.type_text() }}) as awards,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

deduplicated as (

    {{ movie_warehouse.dedupe_latest('renamed', partition_by=['imdb_id']) }}

),

final as (

    select
        imdb_id,
        title,
        release_year,
        metascore,
        imdb_rating,
        imdb_votes,
        box_office_usd,
        mpaa_rating,
        awards,
        _loaded_at

    from deduplicated

)

select * from final
