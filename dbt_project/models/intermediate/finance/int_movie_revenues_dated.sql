with

movie_financials as (

    select * from {{ ref('stg_silver__movie_financials') }}

),

final as (

    select
        movie_id,
        release_date,
        cast(extract(month from release_date) as integer) as release_month_number,
        cast(extract(quarter from release_date) as integer) as release_quarter_number,
        revenue_adjusted,
        case
            when extract(month from release_date) = 1 and extract(day from release_date) = 1 then 1
            else 0
        end as is_first_of_january

    from movie_financials
    where
        revenue_adjusted is not null
        and release_date is not null

)

select * from final
