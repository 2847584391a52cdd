{#-
    Question: which films did a given director make with a given actor, shortest first?

    Run (once stg_silver__movie_cast and stg_silver__movie_crew exist, then set enabled=true):
        dbt compile --select films_by_director_with_actor \
            --vars '{director_name: "Christopher Nolan", actor_name: "Michael Caine"}'
    and run the SQL in target/compiled/... against the warehouse.

    Disabled until silver `movie_cast` / `movie_crew` and their staging models land (see
    scifi_action_films_by_actor.sql for why). Names reach SQL only as quoted literals and compare
    case-insensitively; films without a known runtime are listed last.
-#}
{{ config(enabled=false) }}

{%- set director_name = var('director_name', 'Christopher Nolan') -%}
{%- set actor_name = var('actor_name', 'Michael Caine') -%}

with

movie_cast as (

    select * from {{ ref('stg_silver__movie_cast') }}

),

movie_crew as (

    select * from {{ ref('stg_silver__movie_crew') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

directed as (

    select distinct movie_id

    from movie_crew
    where
        job = 'Director'
        and lower(person_name) = lower({{ movie_warehouse.sql_string(director_name) }})

),

acted as (

    select
        movie_id,
        min({{ adapter.quote("character") }}) as character_name

    from movie_cast
    where lower(person_name) = lower({{ movie_warehouse.sql_string(actor_name) }})
    group by movie_id

),

final as (

    select
        movies.movie_id,
        movies.title,
        movies.release_year,
        movies.runtime_minutes,
        acted.character_name

    from directed
    inner join acted
        on directed.movie_id = acted.movie_id
    inner join movies
        on directed.movie_id = movies.movie_id

)

select * from final
order by runtime_minutes asc nulls last, release_year asc, movie_id asc
