with

movie_keywords as (

    select * from {{ ref('stg_silver__movie_keywords') }}

),

named as (

    {{ movie_warehouse.dedupe_latest(
        'movie_keywords', partition_by=['keyword_id'], order_by=['_loaded_at desc', 'keyword_name asc']
    ) }}

),

final as (

    select
        keyword_id,
        keyword_name

    from named

)

select * from final
