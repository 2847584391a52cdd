{#-
    Question: which Science Fiction films that are also Action films star a given actor, best
    rated first?

    Run (once stg_silver__movie_cast exists, then set enabled=true below):
        dbt compile --select scifi_action_films_by_actor --vars '{actor_name: "Keanu Reeves"}'
    and run the SQL in target/compiled/... against the warehouse.

    Disabled until silver `movie_cast` and its staging model stg_silver__movie_cast land: dbt
    resolves the refs of enabled analyses at parse time, so an enabled analysis that refs a model
    that does not exist yet would fail every dbt command.
    The actor name reaches SQL only as a quoted literal (sql_string doubles embedded quotes);
    names compare case-insensitively.
-#}
{{ config(enabled=false) }}

{%- set actor_name = var('actor_name', 'Keanu Reeves') -%}
{%- set min_votes = movie_warehouse.numeric_var('min_votes', 50) -%}

with

movie_cast as (

    select * from {{ ref('stg_silver__movie_cast') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

bridge_movie_genres as (

    select * from {{ ref('bridge_movie_genres') }}

),

genres as (

    select * from {{ ref('dim_genres') }}

),

ratings as (

    select * from {{ ref('fct_ratings') }}

),

actor_movies as (

    select
        movie_id,
        min({{ adapter.quote("character") }}) as character_name,
        min(billing_order) as billing_order

    from movie_cast
    where lower(person_name) = lower({{ movie_warehouse.sql_string(actor_name) }})
    group by movie_id

),

scifi_action_movies as (

    select bridge_movie_genres.movie_id

    from bridge_movie_genres
    inner join genres
        on bridge_movie_genres.genre_key = genres.genre_key
    where genres.genre_name in ('Science Fiction', 'Action')
    group by bridge_movie_genres.movie_id
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

final as (

    select
        movies.movie_id,
        movies.title,
        movies.release_year,
        actor_movies.character_name,
        actor_movies.billing_order,
        movie_ratings.rating_count,
        movies.vote_average,
        round(movie_ratings.average_rating, 3) as average_rating

    from actor_movies
    inner join scifi_action_movies
        on actor_movies.movie_id = scifi_action_movies.movie_id
    inner join movies
        on actor_movies.movie_id = movies.movie_id
    left join movie_ratings
        on actor_movies.movie_id = movie_ratings.movie_id

)

{#- Best rated: MovieLens average when the film has at least min_votes ratings, else TMDB's vote. #}
select * from final
order by
    case when rating_count >= {{ min_votes }} then average_rating * 2 else vote_average end desc nulls last,
    rating_count desc nulls last,
    movie_id asc
