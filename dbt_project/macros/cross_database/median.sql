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

{#
    Trino has no exact median aggregate (approx_percentile is a t-digest estimate that never
    interpolates), so sort the non-null values and average the middle one or two, as
    percentile_cont(0.5) does. Memory grows with the group's size: fine for per-genre or per-month
    groups; an ungrouped median over billions of rows wants approx_percentile instead.
#}
{% macro trino__median(expression) -%}
    case
        when count({{ expression }}) > 0 then (
            element_at(
                array_sort(array_agg(cast({{ expression }} as double)) filter (where {{ expression }} is not null)),
                cast(floor((count({{ expression }}) + 1) / 2.0) as bigint)
            )
            + element_at(
                array_sort(array_agg(cast({{ expression }} as double)) filter (where {{ expression }} is not null)),
                cast(ceiling((count({{ expression }}) + 1) / 2.0) as bigint)
            )
        ) / 2
    end
{%- endmacro %}

{# Redshift's MEDIAN is percentile_cont(0.5). #}
{% macro redshift__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
