with

movies as (

    select * from {{ ref('dim_movies') }}

),

movie_financials as (

    select * from {{ ref('fct_movie_financials') }}

),

collections as (

    select
        movies.collection_id,
        max(movies.collection_name) as collection_name,
        count(*) as film_count,
        count(movie_financials.revenue_adjusted) as films_with_revenue_count,
        sum(movie_financials.revenue_adjusted) as total_revenue_adjusted,
        sum(movie_financials.budget_adjusted) as total_budget_adjusted,
        min(movies.release_year) as first_release_year,
        max(movies.release_year) as last_release_year

    from movies
    left join movie_financials
        on movies.movie_id = movie_financials.movie_id
    where movies.collection_id is not null
    group by movies.collection_id

),

ranked as (

    select
        collection_id,
        collection_name,
        film_count,
        films_with_revenue_count,
        first_release_year,
        last_release_year,
        round(total_revenue_adjusted, 2) as total_revenue_adjusted,
        round(total_budget_adjusted, 2) as total_budget_adjusted,
        row_number() over (
            order by coalesce(total_revenue_adjusted, 0) desc, collection_id asc
        ) as franchise_rank

    from collections
    where film_count >= 2

),

final as (

    select
        franchise_rank,
        collection_id,
        collection_name,
        film_count,
        films_with_revenue_count,
        total_revenue_adjusted,
        total_budget_adjusted,
        first_release_year,
        last_release_year

    from ranked

)

select * from final
