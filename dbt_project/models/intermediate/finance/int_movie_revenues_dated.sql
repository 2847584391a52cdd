with

movie_financials as (

    select * from {{ ref('fct_movie_financials') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

final as (

    select
        movie_financials.movie_id,
        movie_financials.release_date,
        dates.month_number as release_month_number,
        dates.quarter_number as release_quarter_number,
        movie_financials.revenue_adjusted,
        case
            when dates.month_number = 1 and dates.date_day = dates.month_start_date then 1
            else 0
        end as is_first_of_january

    from movie_financials
    inner join dates
        on movie_financials.release_date = dates.date_day
    where movie_financials.revenue_adjusted is not null

)

select * from final
