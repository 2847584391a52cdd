{#-
    Question: which films did a given director make with a given actor, shortest first? An analysis,
    not a table: it answers one question at a time and a scheduled build never resets it. Run:
        dbt show --select films_by_director_with_actor --limit 50 \
            --vars '{director_name: "Christopher Nolan", actor_name: "Michael Caine"}'
    Without vars it answers the example above. Names reach SQL only as quoted literals and compare
    case-insensitively; films without a known runtime come last.
-#}
{%- set director_name = var('director_name', 'Christopher Nolan') -%}
{%- set actor_name = var('actor_name', 'Michael Caine') -%}

with

movie_cast as (

    select * from {{ ref('bridge_movie_cast') }}

),

movie_crew as (

    select * from {{ ref('bridge_movie_crew') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

movies as (

    select * from {{ ref('dim_movies') }}

),

directed as (

    select distinct movie_crew.movie_id

    from movie_crew
    inner join people
        on movie_crew.person_key = people.person_key
    where
        movie_crew.job = 'Director'
        and lower(people.person_name) = lower({{ movie_warehouse.sql_string(director_name) }})

),

acted as (

    select
        movie_cast.movie_id,
        min(movie_cast.character_name) as character_name

    from movie_cast
    inner join people
        on movie_cast.person_key = people.person_key
    where lower(people.person_name) = lower({{ movie_warehouse.sql_string(actor_name) }})
    group by movie_cast.movie_id

),

final as (

    select
        row_number() over (
            order by movies.runtime_minutes asc nulls last, movies.release_year asc, movies.movie_id asc
        ) as runtime_rank,
        cast({{ movie_warehouse.sql_string(director_name) }} as {{ movie_warehouse.type_text() }}) as director_name,
        cast({{ movie_warehouse.sql_string(actor_name) }} as {{ movie_warehouse.type_text() }}) as actor_name,
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
