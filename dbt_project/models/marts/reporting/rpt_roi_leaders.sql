{%- set min_budget_adjusted = movie_warehouse.numeric_var('roi_min_budget', 1000000) -%}

with

performance as (

    select * from {{ ref('fct_movie_performance') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

ranked as (

    select * from performance
    where is_roi_ranked

),

final as (

    select
        row_number() over (
            order by
                ranked.roi desc,
                ranked.revenue_adjusted desc,
                ranked.movie_id asc
        ) as roi_rank,
        ranked.movie_id,
        movies.title,
        movies.release_year,
        round(ranked.budget_adjusted, 2) as budget_adjusted,
        round(ranked.revenue_adjusted, 2) as revenue_adjusted,
        round(ranked.profit_adjusted, 2) as profit_adjusted,
        round(ranked.roi, 6) as roi,
        cast({{ min_budget_adjusted }} as {{ movie_warehouse.type_double() }}) as min_budget_adjusted

    from ranked
    inner join movies
        on ranked.movie_id = movies.movie_id

)

select * from final
