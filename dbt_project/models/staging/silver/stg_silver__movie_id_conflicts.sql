with

source as (

    select * from {{ source('silver', 'movie_id_conflicts') }}

),

renamed as (

    select
        {{ movie_warehouse.generate_surrogate_key(['conflict', 'id_value']) }} as movie_id_conflict_id,
        cast(conflict as {{ movie_warehouse.type_text() }}) as conflict_kind,
        cast(id_value as {{ movie_warehouse.type_text() }}) as id_value,
        {{ movie_warehouse.array_to_text('candidates') }} as candidate_ids,
        cast(candidate_count as integer) as candidate_count,
        {{ movie_warehouse.utc_timestamp('_loaded_at') }} as _loaded_at

    from source

),

final as (

    select
        movie_id_conflict_id,
        conflict_kind,
        {{ dbt.split_part('conflict_kind', "' -> '", 1) }} as id_type,
        id_value,
        {{ dbt.split_part('conflict_kind', "' -> several '", 2) }} as candidate_id_type,
        candidate_ids,
        candidate_count,
        _loaded_at

    from renamed

)

select * from final
