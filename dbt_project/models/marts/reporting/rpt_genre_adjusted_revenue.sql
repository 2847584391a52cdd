with

movie_financials as (

    select * from {{ ref('fct_movie_financials') }}

),

bridge_movie_genres as (

    select * from {{ ref('bridge_movie_genres') }}

),

genres as (

    select * from {{ ref('dim_genres') }}

),

genre_films as (

    select
        genre_key,
        count(*) as film_count

    from bridge_movie_genres
    group by genre_key

),

genre_revenue as (

    select
        bridge_movie_genres.genre_key,
        count(*) as films_with_revenue_count,
        sum(movie_financials.revenue_adjusted) as total_revenue_adjusted,
        {{ movie_warehouse.median('movie_financials.revenue_adjusted') }} as median_revenue_adjusted,
        avg(movie_financials.revenue_adjusted) as mean_revenue_adjusted

    from bridge_movie_genres
    inner join movie_financials
        on bridge_movie_genres.movie_id = movie_financials.movie_id
    where movie_financials.revenue_adjusted is not null
    group by bridge_movie_genres.genre_key

),

ranked as (

    select
        genres.genre_key,
        genres.genre_name,
        coalesce(genre_films.film_count, 0) as film_count,
        coalesce(genre_revenue.films_with_revenue_count, 0) as films_with_revenue_count,
        round(genre_revenue.total_revenue_adjusted, 2) as total_revenue_adjusted,
        round(genre_revenue.median_revenue_adjusted, 2) as median_revenue_adjusted,
        round(genre_revenue.mean_revenue_adjusted, 2) as mean_revenue_adjusted,
        row_number() over (
            order by coalesce(genre_revenue.total_revenue_adjusted, 0) desc, genres.genre_name asc
        ) as revenue_rank

    from genres
    left join genre_films
        on genres.genre_key = genre_films.genre_key
    left join genre_revenue
        on genres.genre_key = genre_revenue.genre_key

),

final as (

    select
        revenue_rank,
        genre_key,
        genre_name,
        film_count,
        films_with_revenue_count,
        total_revenue_adjusted,
        median_revenue_adjusted,
        mean_revenue_adjusted

    from ranked

)

select * from final
