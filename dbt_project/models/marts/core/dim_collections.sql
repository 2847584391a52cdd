with

collections as (

    select * from {{ ref('stg_silver__collections') }}

),

final as (

    select
        collection_id,
        collection_name

    from collections

)

select * from final
