{#
    Median of a numeric expression as an aggregate (use with group by); nulls are ignored.
    Usage: {{ movie_warehouse.median('revenue_adjusted') }}
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'movie_warehouse')(expression)) }}
{%- endmacro %}

{# Ordered-set aggregate: Postgres, Snowflake, Redshift. #}
{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{# Exact, interpolating between the two middle values like percentile_cont. #}
{% macro duckdb__median(expression) -%}
    quantile_cont({{ expression }}, 0.5)
{%- endmacro %}

{# Trino has no exact median aggregate; approx_percentile is a close estimate (t-digest). #}
{% macro trino__median(expression) -%}
    approx_percentile({{ expression }}, 0.5)
{%- endmacro %}

{# Redshift's MEDIAN is percentile_cont(0.5). #}
{% macro redshift__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
