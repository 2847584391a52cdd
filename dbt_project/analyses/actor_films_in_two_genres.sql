{#-
    Question: which of an actor's films carry two given genres, best reviewed first? Ranked by the
    Rotten Tomatoes Tomatometer (OMDb, 0-100); films without one come last, by the MovieLens
    weighted rating. An analysis: it answers one question at a time. Run:
        dbt show --select actor_films_in_two_genres --limit 50 \
            --vars '{actor_name: "Keanu Reeves", first_genre: "Science Fiction", second_genre: "Action"}'
    Without vars it answers the example above. Vars reach SQL only as quoted literals and compare
    case-insensitively.
-#}
{%- set actor_name = var('actor_name', 'Keanu Reeves') -%}
{%- set first_genre = var('first_genre', 'Science Fiction') -%}
{%- set second_genre = var('second_genre', 'Action') -%}

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

critic_scores as (

    select * from {{ ref('fct_critic_scores') }}

),

performance as (

    select * from {{ ref('fct_movie_performance') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

actor_movies as (

    select
        movie_cast.movie_id,
        min(movie_cast.character_name) as character_name

    from movie_cast
    inner join people
        on movie_cast.person_key = people.person_key
    where lower(people.person_name) = lower({{ movie_warehouse.sql_string(actor_name) }})
    group by movie_cast.movie_id

),

both_genres as (

    select movie_genres.movie_id

    from movie_genres
    inner join genres
        on movie_genres.genre_key = genres.genre_key
    where lower(genres.genre_name) in (
        lower({{ movie_warehouse.sql_string(first_genre) }}),
        lower({{ movie_warehouse.sql_string(second_genre) }})
    )
    group by movie_genres.movie_id
    having count(distinct lower(genres.genre_name)) = 2

),

tomatometer as (

    select
        movie_id,
        score as rotten_tomatoes_score

    from critic_scores
    where critic_source = 'rotten_tomatoes'

),

final as (

    select
        row_number() over (
            order by
                tomatometer.rotten_tomatoes_score desc nulls last,
                performance.weighted_rating desc nulls last,
                movies.movie_id asc
        ) as review_rank,
        movies.movie_id,
        movies.title,
        movies.release_year,
        actor_movies.character_name,
        tomatometer.rotten_tomatoes_score,
        round(performance.weighted_rating, 3) as weighted_rating,
        performance.rating_count

    from actor_movies
    inner join both_genres
        on actor_movies.movie_id = both_genres.movie_id
    inner join movies
        on actor_movies.movie_id = movies.movie_id
    left join tomatometer
        on actor_movies.movie_id = tomatometer.movie_id
    left join performance
        on actor_movies.movie_id = performance.movie_id

)

select * from final
