with

quarantine as (

    select * from {{ ref('stg_silver__quarantine') }}

),

final as (

    select
        quarantine_record_id,
        layer,
        source_name,
        entity,
        record_key,
        raw_value,
        reason,
        movie_id,
        _loaded_at

    from quarantine

)

select * from final
