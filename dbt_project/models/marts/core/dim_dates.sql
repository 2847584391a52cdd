{#- Optional fixed range (vars, YYYY-MM-DD); by default whole years around the data's dates. -#}
{%- set start_date_override = movie_warehouse.date_var('dim_dates_start_date') -%}
{%- set end_date_override = movie_warehouse.date_var('dim_dates_end_date') -%}

with

movies as (

    select * from {{ ref('dim_movies') }}

),

ratings as (

    select * from {{ ref('fct_ratings') }}

),

observed_dates as (

    select release_date as observed_date
    from movies
    where release_date is not null

    union all

    select rated_date as observed_date
    from ratings

),

observed_bounds as (

    select
        min(observed_date) as first_observed_date,
        max(observed_date) as last_observed_date

    from observed_dates

),

bounds as (

    select
        {% if start_date_override is not none -%}
            {{ start_date_override }}
        {%- else -%}
            cast({{ dbt.date_trunc('year', 'first_observed_date') }} as date)
        {%- endif %} as start_date,
        {% if end_date_override is not none -%}
            {{ end_date_override }}
        {%- else -%}
            cast(
                {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', 'last_observed_date'))) }}
                as date
            )
        {%- endif %} as end_date

    from observed_bounds

),

spine as (

    {{ movie_warehouse.date_spine('bounds', 'start_date', 'end_date') }}

),

date_parts as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        {{ movie_warehouse.month_start('date_day') }} as month_start_date,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(year from date_day) as integer) as year_number,
        {{ movie_warehouse.iso_weekday('date_day') }} as weekday_number

    from spine

),

final as (

    select
        date_day,
        week_start_date,
        month_start_date,
        month_number,
        quarter_number,
        year_number,
        weekday_number,
        case month_number
            when 1 then 'January'
            when 2 then 'February'
            when 3 then 'March'
            when 4 then 'April'
            when 5 then 'May'
            when 6 then 'June'
            when 7 then 'July'
            when 8 then 'August'
            when 9 then 'September'
            when 10 then 'October'
            when 11 then 'November'
            when 12 then 'December'
        end as month_name,
        case weekday_number
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            when 7 then 'Sunday'
        end as weekday_name,
        weekday_number in (6, 7) as is_weekend

    from date_parts

)

select * from final
