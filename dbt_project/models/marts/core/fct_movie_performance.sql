{#-
    One row per catalog movie: its money (nominal and base-month dollars) and its MovieLens ratings
    summed up, the grain the semantic layer's per-film metrics (weighted rating, ROI) are defined on.
    Ratings of movies outside the catalog have no row here; fct_ratings keeps them.
-#}
{%- set min_votes = movie_warehouse.numeric_var('min_votes', 50) -%}
{%- set min_budget_adjusted = movie_warehouse.numeric_var('roi_min_budget', 1000000) -%}

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

overall as (

    select avg(rating) as mean_rating_all_movies
    from ratings

),

movie_ratings as (

    select
        movie_id,
        count(*) as rating_count,
        sum(rating) as rating_sum

    from ratings
    where movie_id is not null
    group by movie_id

),

joined as (

    select
        movies.movie_id,
        movies.release_date,
        movie_financials.budget_nominal,
        movie_financials.revenue_nominal,
        movie_financials.profit_nominal,
        movie_financials.budget_adjusted,
        movie_financials.revenue_adjusted,
        movie_financials.profit_adjusted,
        movie_financials.roi,
        movie_ratings.rating_sum,
        overall.mean_rating_all_movies,
        coalesce(movie_ratings.rating_count, 0) as rating_count,
        case
            when movies.collection_id is not null then 'franchise'
            else 'standalone'
        end as movie_type

    from movies
    left join movie_financials
        on movies.movie_id = movie_financials.movie_id
    left join movie_ratings
        on movies.movie_id = movie_ratings.movie_id
    cross join overall

),

final as (

    select
        movie_id,
        release_date,
        cast(movie_type as {{ movie_warehouse.type_text() }}) as movie_type,
        budget_nominal,
        revenue_nominal,
        profit_nominal,
        budget_adjusted,
        revenue_adjusted,
        profit_adjusted,
        roi,
        coalesce(roi is not null and budget_adjusted > {{ min_budget_adjusted }}, false) as is_roi_ranked,
        cast(rating_count as bigint) as rating_count,
        rating_sum,
        {{ movie_warehouse.safe_divide('rating_sum', 'rating_count') }} as average_rating,
        case
            when rating_count > 0 then
                (rating_sum + {{ min_votes }} * mean_rating_all_movies) / (rating_count + {{ min_votes }})
        end as weighted_rating,
        rating_count >= {{ min_votes }} as is_rated_enough,
        mean_rating_all_movies

    from joined

)

select * from final
