{#
    ISO day of the week of a date: 1 = Monday ... 7 = Sunday, as an integer.
    Usage: {{ movie_warehouse.iso_weekday('date_day') }}
#}
{% macro iso_weekday(expression) -%}
    {{ return(adapter.dispatch('iso_weekday', 'movie_warehouse')(expression)) }}
{%- endmacro %}

{# Postgres-style databases (and Snowflake) know `isodow`. #}
{% macro default__iso_weekday(expression) -%}
    cast(extract(isodow from {{ expression }}) as integer)
{%- endmacro %}

{% macro duckdb__iso_weekday(expression) -%}
    cast(isodow({{ expression }}) as integer)
{%- endmacro %}

{% macro trino__iso_weekday(expression) -%}
    cast(day_of_week({{ expression }}) as integer)
{%- endmacro %}

{# Redshift has no isodow: its dow is 0 = Sunday ... 6 = Saturday. #}
{% macro redshift__iso_weekday(expression) -%}
    cast(case
        when date_part(dow, {{ expression }}) = 0 then 7
        else date_part(dow, {{ expression }})
    end as integer)
{%- endmacro %}
