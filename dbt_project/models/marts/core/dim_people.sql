with

people as (

    select * from {{ ref('stg_silver__people') }}

),

final as (

    select
        person_key,
        person_id,
        person_name,
        gender,
        case gender
            when 1 then 'female'
            when 2 then 'male'
            when 3 then 'non-binary'
        end as gender_name

    from people

)

select * from final
