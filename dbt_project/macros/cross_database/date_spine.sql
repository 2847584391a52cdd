{#
    One row per day, column `date_day` (date), from each row's start column to its end column
    (both inclusive) of `bounds_relation` (a CTE or relation, normally one row). The bounds may be
    computed in SQL, so the range follows the data without a query at compile time.
    Usage:
        spine as (
            {{ movie_warehouse.date_spine('bounds', 'start_date', 'end_date') }}
        ),
    The default version cross joins digit tables (up to 10^5 days, about 273 years) and works on
    any database with dbt's dateadd/datediff; DuckDB and Trino use their series functions.
#}
{% macro date_spine(bounds_relation, start_column='start_date', end_column='end_date') -%}
    {{ return(adapter.dispatch('date_spine', 'movie_warehouse')(bounds_relation, start_column, end_column)) }}
{%- endmacro %}

{% macro default__date_spine(bounds_relation, start_column, end_column) -%}
    {%- set powers = range(5) -%}
    select {{ dbt.dateadd('day', 'day_numbers.day_offset', 'bounds.' ~ start_column) }} as date_day
    from {{ bounds_relation }} as bounds
    cross join (
        select
            {% for power in powers -%}
                digits_{{ power }}.digit * {{ 10 ** power }}{{ ' +' if not loop.last }}
            {% endfor -%}
            as day_offset
        from
            {% for power in powers -%}
                (
                    select 0 as digit union all select 1 union all select 2 union all select 3
                    union all select 4 union all select 5 union all select 6 union all select 7
                    union all select 8 union all select 9
                ) as digits_{{ power }}{{ ',' if not loop.last }}
            {% endfor %}
    ) as day_numbers
    where day_numbers.day_offset <= {{ dbt.datediff('bounds.' ~ start_column, 'bounds.' ~ end_column, 'day') }}
{%- endmacro %}

{# DuckDB: generate_series over timestamps returns a list; unnest turns it into rows. #}
{% macro duckdb__date_spine(bounds_relation, start_column, end_column) -%}
    select cast(spine.date_ts as date) as date_day
    from (
        select unnest(generate_series(
            cast({{ start_column }} as timestamp),
            cast({{ end_column }} as timestamp),
            interval 1 day
        )) as date_ts
        from {{ bounds_relation }}
    ) as spine
{%- endmacro %}

{#
    Trino: sequence() is capped at 10,000 elements, so day offsets come from two sequences
    (thousands x units, up to 100,000 days) instead of one sequence of dates.
#}
{% macro trino__date_spine(bounds_relation, start_column, end_column) -%}
    select date_add('day', thousands.n * 1000 + units.n, cast(bounds.{{ start_column }} as date)) as date_day
    from {{ bounds_relation }} as bounds
    cross join unnest(sequence(0, 99)) as thousands (n)
    cross join unnest(sequence(0, 999)) as units (n)
    where
        thousands.n * 1000 + units.n
        <= date_diff('day', cast(bounds.{{ start_column }} as date), cast(bounds.{{ end_column }} as date))
{%- endmacro %}

{# Redshift: generate_series runs on the leader node only, so use the portable digit join. #}
{% macro redshift__date_spine(bounds_relation, start_column, end_column) -%}
    {{ movie_warehouse.default__date_spine(bounds_relation, start_column, end_column) }}
{%- endmacro %}
