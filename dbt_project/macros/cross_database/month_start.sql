{#
    First day of the month of a date or timestamp expression, typed as date.
    Usage: {{ movie_warehouse.month_start('rated_at') }}
#}
{% macro month_start(expression) -%}
    {{ return(adapter.dispatch('month_start', 'movie_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__month_start(expression) -%}
    cast(date_trunc('month', {{ expression }}) as date)
{%- endmacro %}

{# DuckDB's date_trunc on a date already returns a date; the cast keeps timestamps consistent. #}
{% macro duckdb__month_start(expression) -%}
    cast(date_trunc('month', {{ expression }}) as date)
{%- endmacro %}

{% macro trino__month_start(expression) -%}
    date_trunc('month', cast({{ expression }} as date))
{%- endmacro %}

{% macro redshift__month_start(expression) -%}
    trunc(date_trunc('month', {{ expression }}))
{%- endmacro %}
