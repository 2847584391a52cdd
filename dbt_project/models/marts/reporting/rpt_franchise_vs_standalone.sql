with

movies as (

    select * from {{ ref('dim_movies') }}

),

movie_financials as (

    select * from {{ ref('fct_movie_financials') }}

),

ratings as (

    select * from {{ ref('fct_ratings') }}

),

movie_types as (

    select cast('franchise' as {{ movie_warehouse.type_text() }}) as movie_type

    union all

    select cast('standalone' as {{ movie_warehouse.type_text() }}) as movie_type

),

classified as (

    select
        movie_id,
        case
            when collection_id is not null then 'franchise'
            else 'standalone'
        end as movie_type

    from movies

),

film_counts as (

    select
        movie_type,
        count(*) as film_count

    from classified
    group by movie_type

),

money as (

    select
        classified.movie_type,
        count(movie_financials.revenue_adjusted) as films_with_revenue_count,
        avg(movie_financials.revenue_adjusted) as avg_revenue_adjusted,
        count(movie_financials.budget_adjusted) as films_with_budget_count,
        avg(movie_financials.budget_adjusted) as avg_budget_adjusted,
        count(movie_financials.roi) as films_with_roi_count,
        avg(movie_financials.roi) as avg_roi

    from classified
    inner join movie_financials
        on classified.movie_id = movie_financials.movie_id
    group by classified.movie_type

),

rated as (

    select
        classified.movie_type,
        count(*) as rating_count,
        avg(ratings.rating) as avg_rating

    from classified
    inner join ratings
        on classified.movie_id = ratings.movie_id
    group by classified.movie_type

),

final as (

    select
        movie_types.movie_type,
        coalesce(film_counts.film_count, 0) as film_count,
        coalesce(money.films_with_revenue_count, 0) as films_with_revenue_count,
        round(money.avg_revenue_adjusted, 2) as avg_revenue_adjusted,
        coalesce(money.films_with_budget_count, 0) as films_with_budget_count,
        round(money.avg_budget_adjusted, 2) as avg_budget_adjusted,
        coalesce(rated.rating_count, 0) as rating_count,
        round(rated.avg_rating, 6) as avg_rating,
        coalesce(money.films_with_roi_count, 0) as films_with_roi_count,
        round(money.avg_roi, 6) as avg_roi

    from movie_types
    left join film_counts
        on movie_types.movie_type = film_counts.movie_type
    left join money
        on movie_types.movie_type = money.movie_type
    left join rated
        on movie_types.movie_type = rated.movie_type

)

select * from final
