with

movie_countries as (

    select * from {{ ref('stg_silver__movie_countries') }}

),

named as (

    {{ movie_warehouse.dedupe_latest(
        'movie_countries', partition_by=['country_code'], order_by=['_loaded_at desc', 'country_name asc']
    ) }}

),

final as (

    select
        country_code,
        country_name

    from named

)

select * from final
