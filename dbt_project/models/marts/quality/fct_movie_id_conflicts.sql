{#-
    One row per id on which the sources disagree (the crosswalk's conflicts): an IMDb id two TMDB
    movies claim, a movie with two IMDb or MovieLens ids, an IMDb id with two YTS ids. The crosswalk
    keeps one candidate (docs/lake_layout.md); this table says where it had to choose.
-#}

with

conflicts as (

    select * from {{ ref('stg_silver__movie_id_conflicts') }}

),

final as (

    select
        movie_id_conflict_id,
        conflict_kind,
        id_type,
        id_value,
        candidate_id_type,
        candidate_ids,
        candidate_count,
        _loaded_at,
        case when id_type = 'movie_id' then cast(id_value as bigint) end as movie_id

    from conflicts

)

select * from final
