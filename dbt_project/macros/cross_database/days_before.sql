{#
    A timestamp expression moved `days` days into the past.
    Usage: {{ movie_warehouse.days_before('max(_loaded_at)', 3) }}
#}
{% macro days_before(expression, days) -%}
    {{ return(adapter.dispatch('days_before', 'movie_warehouse')(expression, days)) }}
{%- endmacro %}

{% macro default__days_before(expression, days) -%}
    {{ dbt.dateadd('day', -1 * (days | int), expression) }}
{%- endmacro %}

{% macro duckdb__days_before(expression, days) -%}
    ({{ expression }} - interval '{{ days | int }} days')
{%- endmacro %}

{% macro trino__days_before(expression, days) -%}
    date_add('day', -{{ days | int }}, {{ expression }})
{%- endmacro %}

{% macro redshift__days_before(expression, days) -%}
    dateadd(day, -{{ days | int }}, {{ expression }})
{%- endmacro %}
