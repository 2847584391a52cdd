{#
    A silver timestamp as a timestamp without time zone, in UTC. Spark writes timestamps as UTC
    instants, which DuckDB reads as TIMESTAMP WITH TIME ZONE.
    Usage: {{ movie_warehouse.utc_timestamp('rated_at') }}
#}
{% macro utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'movie_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamp(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}

{#
    DuckDB's cast from TIMESTAMP WITH TIME ZONE goes through ICU's calendar for every value even
    when the session zone is UTC: 10 s for the two timestamps of 26M silver ratings, against 0.4 s
    for rebuilding the value from its microseconds since the epoch (the same UTC instant, whatever
    the session zone). A plain TIMESTAMP input comes out unchanged.
#}
{% macro duckdb__utc_timestamp(expression) -%}
    make_timestamp(epoch_us({{ expression }}))
{%- endmacro %}
