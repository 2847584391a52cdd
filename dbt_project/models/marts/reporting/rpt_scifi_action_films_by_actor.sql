{#-
    Question: which films that are both Science Fiction and Action star a given actor, best rated
    first? The actor is var `actor_name` (default Keanu Reeves), e.g.
        dbt build --select rpt_scifi_action_films_by_actor --vars '{actor_name: "Tom Cruise"}'
    It reaches SQL only as a quoted literal (sql_string doubles embedded quotes); names compare
    case-insensitively. Best rated: the MovieLens average (0.5-5, shown doubled to 1-10) when the
    film has at least `min_votes` ratings, else the TMDB vote average (0-10).
-#}
{%- set actor_name = var('actor_name', 'Keanu Reeves') -%}
{%- set min_votes = movie_warehouse.numeric_var('min_votes', 50) -%}

with

movie_cast as (

    select * from {{ ref('bridge_movie_cast') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

movie_genres as (

    select * from {{ ref('bridge_movie_genres') }}

),

genres as (

    select * from {{ ref('dim_genres') }}

),

ratings as (

    select * from {{ ref('fct_ratings') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

actor_movies as (

    select
        movie_cast.movie_id,
        min(movie_cast.character_name) as character_name,
        min(movie_cast.billing_order) as billing_order

    from movie_cast
    inner join people
        on movie_cast.person_key = people.person_key
    where lower(people.person_name) = lower({{ movie_warehouse.sql_string(actor_name) }})
    group by movie_cast.movie_id

),

scifi_action_movies as (

    select movie_genres.movie_id

    from movie_genres
    inner join genres
        on movie_genres.genre_key = genres.genre_key
    where genres.genre_name in ('Science Fiction', 'Action')
    group by movie_genres.movie_id
    having count(distinct genres.genre_name) = 2

),

movie_ratings as (

    select
        movie_id,
        count(*) as rating_count,
        avg(rating) as average_rating

    from ratings
    where movie_id is not null
    group by movie_id

),

scored as (

    select
        movies.movie_id,
        movies.title,
        movies.release_year,
        actor_movies.character_name,
        actor_movies.billing_order,
        movie_ratings.rating_count,
        movies.vote_average,
        round(movie_ratings.average_rating, 3) as average_rating,
        case
            when movie_ratings.rating_count >= {{ min_votes }} then movie_ratings.average_rating * 2
            else movies.vote_average
        end as score_out_of_10

    from actor_movies
    inner join scifi_action_movies
        on actor_movies.movie_id = scifi_action_movies.movie_id
    inner join movies
        on actor_movies.movie_id = movies.movie_id
    left join movie_ratings
        on actor_movies.movie_id = movie_ratings.movie_id

),

final as (

    select
        row_number() over (
            order by score_out_of_10 desc nulls last, rating_count desc nulls last, movie_id asc
        ) as best_rated_rank,
        cast({{ movie_warehouse.sql_string(actor_name) }} as {{ movie_warehouse.type_text() }}) as actor_name,
        movie_id,
        title,
        release_year,
        character_name,
        billing_order,
        rating_count,
        average_rating,
        vote_average,
        round(score_out_of_10, 3) as score_out_of_10

    from scored

)

select * from final
