{#
    The incremental strategy every incremental model uses, per target:
      - duckdb:   merge (dbt-duckdb 1.11 runs native MERGE INTO, which needs DuckDB >= 1.4; the
                  locked DuckDB is 1.5). Config is rendered at parse time, before any connection,
                  so the DuckDB version cannot be checked here: on an older DuckDB dbt-duckdb stops
                  with a clear error, and `--vars '{incremental_strategy: delete+insert}'` runs it.
      - trino:    merge (dbt-trino's MERGE; needs a connector with row-level updates, e.g. Iceberg).
      - redshift: merge (dbt-redshift's MERGE; one statement instead of delete then insert).
      - default:  delete+insert, the one strategy every dbt adapter implements with a unique_key.
    The var `incremental_strategy` overrides the choice on any target.
    Usage: {{ config(incremental_strategy=movie_warehouse.incremental_strategy()) }}
#}
{% macro incremental_strategy() -%}
    {%- set override = var('incremental_strategy', none) -%}
    {%- if override is not none -%}
        {{ return(override) }}
    {%- endif -%}
    {{ return(adapter.dispatch('incremental_strategy', 'movie_warehouse')()) }}
{%- endmacro %}

{% macro default__incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro duckdb__incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}

{% macro trino__incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}

{% macro redshift__incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}
