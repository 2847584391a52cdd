with

movie_languages as (

    select * from {{ ref('stg_silver__movie_languages') }}

),

movies as (

    select * from {{ ref('stg_silver__movies') }}

),

spoken as (

    select
        language_name,
        _loaded_at,
        lower(language_code) as language_code

    from movie_languages

),

original as (

    select distinct lower(original_language) as language_code

    from movies
    where original_language is not null

),

codes as (

    select language_code from spoken
    union
    select language_code from original

),

named as (

    {{ movie_warehouse.dedupe_latest(
        'spoken', partition_by=['language_code'], order_by=['_loaded_at desc', 'language_name asc']
    ) }}

),

final as (

    select
        codes.language_code,
        named.language_name

    from codes
    left join named
        on codes.language_code = named.language_code

)

select * from final
