with

revenues as (

    select * from {{ ref('int_movie_revenues_dated') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

quarters as (

    select distinct quarter_number
    from dates

),

box_office as (

    select
        release_quarter_number as quarter_number,
        count(*) as film_count,
        cast(sum(is_first_of_january) as bigint) as first_of_january_film_count,
        sum(revenue_adjusted) as total_revenue_adjusted,
        {{ movie_warehouse.median('revenue_adjusted') }} as median_revenue_adjusted,
        avg(revenue_adjusted) as mean_revenue_adjusted

    from revenues
    group by release_quarter_number

),

final as (

    select
        quarters.quarter_number as release_quarter_number,
        'Q' || cast(quarters.quarter_number as {{ movie_warehouse.type_text() }}) as release_quarter_name,
        coalesce(box_office.film_count, 0) as film_count,
        coalesce(box_office.first_of_january_film_count, 0) as first_of_january_film_count,
        round(box_office.total_revenue_adjusted, 2) as total_revenue_adjusted,
        round(box_office.median_revenue_adjusted, 2) as median_revenue_adjusted,
        round(box_office.mean_revenue_adjusted, 2) as mean_revenue_adjusted

    from quarters
    left join box_office
        on quarters.quarter_number = box_office.quarter_number

)

select * from final
