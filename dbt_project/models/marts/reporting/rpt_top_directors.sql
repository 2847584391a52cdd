{%- set min_votes = movie_warehouse.numeric_var('min_votes', 50) -%}
{%- set min_films = movie_warehouse.numeric_var('top_directors_min_films', 2) -%}

with

crew as (

    select * from {{ ref('bridge_movie_crew') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

top_rated as (

    select * from {{ ref('rpt_top_rated_movies') }}

),

financials as (

    select * from {{ ref('fct_movie_financials') }}

),

directed as (

    select distinct
        movie_id,
        person_key

    from crew
    where job = 'Director'

),

per_director as (

    select
        directed.person_key,
        count(*) as films_directed,
        count(top_rated.movie_id) as rated_films,
        sum(top_rated.rating_count) as rating_count,
        avg(top_rated.weighted_rating) as average_weighted_rating,
        sum(financials.revenue_adjusted) as revenue_adjusted,
        count(financials.revenue_adjusted) as films_with_revenue

    from directed
    left join top_rated
        on directed.movie_id = top_rated.movie_id
    left join financials
        on directed.movie_id = financials.movie_id
    group by directed.person_key

),

final as (

    select
        row_number() over (
            order by
                per_director.average_weighted_rating desc,
                per_director.rating_count desc,
                per_director.person_key asc
        ) as director_rank,
        per_director.person_key,
        people.person_name,
        per_director.films_directed,
        per_director.rated_films,
        cast(per_director.rating_count as bigint) as rating_count,
        round(per_director.average_weighted_rating, 6) as average_weighted_rating,
        per_director.revenue_adjusted,
        per_director.films_with_revenue,
        cast({{ min_votes }} as integer) as min_votes

    from per_director
    inner join people
        on per_director.person_key = people.person_key
    where per_director.rated_films >= {{ min_films }}

)

select * from final
