{%- set min_budget_adjusted = movie_warehouse.numeric_var('roi_min_budget', 1000000) -%}

with

movie_financials as (

    select * from {{ ref('fct_movie_financials') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

qualifying as (

    select
        movie_id,
        budget_adjusted,
        revenue_adjusted,
        profit_adjusted,
        roi

    from movie_financials
    where
        budget_adjusted > {{ min_budget_adjusted }}
        and roi is not null

),

final as (

    select
        row_number() over (
            order by
                qualifying.roi desc,
                qualifying.revenue_adjusted desc,
                qualifying.movie_id asc
        ) as roi_rank,
        qualifying.movie_id,
        movies.title,
        movies.release_year,
        round(qualifying.budget_adjusted, 2) as budget_adjusted,
        round(qualifying.revenue_adjusted, 2) as revenue_adjusted,
        round(qualifying.profit_adjusted, 2) as profit_adjusted,
        round(qualifying.roi, 6) as roi,
        cast({{ min_budget_adjusted }} as {{ movie_warehouse.type_double() }}) as min_budget_adjusted

    from qualifying
    inner join movies
        on qualifying.movie_id = movies.movie_id

)

select * from final
