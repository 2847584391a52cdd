{#-
    Question: which genres return most on their budget? The median ROI of each genre's films in the
    ROI ranking (a known ROI and a budget above var `roi_min_budget` in base-month dollars). The
    median, because a handful of micro-budget hits would carry a mean.
-#}

with

genre_movies as (

    select * from {{ ref('fct_genre_movies') }}

),

genres as (

    select * from {{ ref('dim_genres') }}

),

genre_roi as (

    select
        genre_key,
        count(*) as ranked_film_count,
        {{ movie_warehouse.median('roi') }} as median_roi,
        avg(roi) as mean_roi

    from genre_movies
    where is_roi_ranked
    group by genre_key

),

ranked as (

    select
        genre_roi.genre_key,
        genres.genre_name,
        genre_roi.ranked_film_count,
        genre_roi.median_roi,
        genre_roi.mean_roi,
        row_number() over (
            order by genre_roi.median_roi desc, genres.genre_name asc
        ) as roi_rank

    from genre_roi
    inner join genres
        on genre_roi.genre_key = genres.genre_key

),

final as (

    select
        roi_rank,
        genre_key,
        genre_name,
        ranked_film_count,
        round(median_roi, 6) as median_roi,
        round(mean_roi, 6) as mean_roi

    from ranked

)

select * from final
