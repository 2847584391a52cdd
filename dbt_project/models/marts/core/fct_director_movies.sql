{#-
    One row per film and director (a crew credit with job `Director`; co-directors get a row each),
    carrying the film's performance (fct_movie_performance): the grain the semantic layer's
    per-director metrics are defined on.
-#}

with

movie_crew as (

    select * from {{ ref('bridge_movie_crew') }}

),

performance as (

    select * from {{ ref('fct_movie_performance') }}

),

directed as (

    select distinct
        movie_id,
        person_key

    from movie_crew
    where job = 'Director'

),

final as (

    select
        directed.movie_id,
        directed.person_key,
        performance.release_date,
        performance.revenue_adjusted,
        performance.budget_adjusted,
        performance.profit_adjusted,
        performance.roi,
        performance.is_roi_ranked,
        performance.rating_count,
        performance.rating_sum,
        performance.weighted_rating,
        performance.is_rated_enough

    from directed
    inner join performance
        on directed.movie_id = performance.movie_id

)

select * from final
