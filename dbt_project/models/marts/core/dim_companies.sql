with

companies as (

    select * from {{ ref('stg_silver__companies') }}

),

final as (

    select
        company_key,
        company_id,
        company_name

    from companies

)

select * from final
