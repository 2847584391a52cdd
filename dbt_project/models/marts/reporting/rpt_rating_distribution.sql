{#- Question: how do people rate? Every MovieLens rating in the warehouse, by star value. -#}

with

ratings as (

    select * from {{ ref('fct_ratings') }}

),

per_value as (

    select
        rating,
        count(*) as rating_count

    from ratings
    group by rating

),

final as (

    select
        rating,
        rating_count,
        round(
            {{ movie_warehouse.safe_divide('rating_count', 'sum(rating_count) over ()') }}, 6
        ) as rating_share

    from per_value

)

select * from final
