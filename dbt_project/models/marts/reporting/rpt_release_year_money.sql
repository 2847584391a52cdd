{#-
    Question: how much did films cost and earn per release year? Sums over the films with a known
    budget, a known revenue and an inflation factor, so the nominal and adjusted lines compare.
-#}

with

movie_financials as (

    select * from {{ ref('fct_movie_financials') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

complete as (

    select
        movies.release_year,
        movie_financials.budget_nominal,
        movie_financials.revenue_nominal,
        movie_financials.profit_nominal,
        movie_financials.budget_adjusted,
        movie_financials.revenue_adjusted,
        movie_financials.profit_adjusted

    from movie_financials
    inner join movies
        on movie_financials.movie_id = movies.movie_id
    where
        movies.release_year is not null
        and movie_financials.inflation_factor is not null
        and movie_financials.budget_nominal is not null
        and movie_financials.revenue_nominal is not null

),

final as (

    select
        release_year,
        count(*) as film_count,
        sum(budget_nominal) as budget_nominal,
        sum(revenue_nominal) as revenue_nominal,
        sum(profit_nominal) as profit_nominal,
        sum(budget_adjusted) as budget_adjusted,
        sum(revenue_adjusted) as revenue_adjusted,
        sum(profit_adjusted) as profit_adjusted

    from complete
    group by release_year

)

select * from final
