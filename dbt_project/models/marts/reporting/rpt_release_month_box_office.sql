with

revenues as (

    select * from {{ ref('int_movie_revenues_dated') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

months as (

    select
        month_number,
        month_name

    from dates
    group by month_number, month_name

),

box_office as (

    select
        release_month_number as month_number,
        count(*) as film_count,
        cast(sum(is_first_of_january) as bigint) as first_of_january_film_count,
        sum(revenue_adjusted) as total_revenue_adjusted,
        {{ movie_warehouse.median('revenue_adjusted') }} as median_revenue_adjusted,
        avg(revenue_adjusted) as mean_revenue_adjusted

    from revenues
    group by release_month_number

),

final as (

    select
        months.month_number as release_month_number,
        months.month_name as release_month_name,
        coalesce(box_office.film_count, 0) as film_count,
        coalesce(box_office.first_of_january_film_count, 0) as first_of_january_film_count,
        round(box_office.total_revenue_adjusted, 2) as total_revenue_adjusted,
        round(box_office.median_revenue_adjusted, 2) as median_revenue_adjusted,
        round(box_office.mean_revenue_adjusted, 2) as mean_revenue_adjusted

    from months
    left join box_office
        on months.month_number = box_office.month_number

)

select * from final
