{#
    Keep one row per key: the one loaded last (`_loaded_at desc`), ties broken by `order_by` extras.
    Returns a select statement to wrap in a CTE:

        deduplicated as (
            {{ movie_warehouse.dedupe_latest('renamed', partition_by=['movie_id']) }}
        ),

    The default version adds a helper column `_dedupe_row_number`; staging models select their
    columns explicitly afterwards, so it never reaches a table.
#}
{% macro dedupe_latest(relation, partition_by, order_by=['_loaded_at desc']) -%}
    {{ return(adapter.dispatch('dedupe_latest', 'movie_warehouse')(relation, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__dedupe_latest(relation, partition_by, order_by) -%}
    select *
    from (
        select
            {{ relation }}.*,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by | join(', ') }}
            ) as _dedupe_row_number
        from {{ relation }}
    ) as ranked
    where _dedupe_row_number = 1
{%- endmacro %}

{# DuckDB (like Redshift) has QUALIFY, which needs no helper column. #}
{% macro duckdb__dedupe_latest(relation, partition_by, order_by) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ partition_by | join(', ') }}
        order by {{ order_by | join(', ') }}
    ) = 1
{%- endmacro %}

{% macro redshift__dedupe_latest(relation, partition_by, order_by) -%}
    {{ movie_warehouse.duckdb__dedupe_latest(relation, partition_by, order_by) }}
{%- endmacro %}
