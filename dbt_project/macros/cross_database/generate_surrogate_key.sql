{#
    Deterministic surrogate key: md5 (hex, lowercase) of the fields cast to text and joined by '-',
    with nulls replaced by a sentinel so (null, 'a') and ('', 'a') differ.
    Usage: {{ movie_warehouse.generate_surrogate_key(['genre_name']) }}
#}
{% macro generate_surrogate_key(field_list) -%}
    {{ return(adapter.dispatch('generate_surrogate_key', 'movie_warehouse')(field_list)) }}
{%- endmacro %}

{% macro surrogate_key_text(field_list) -%}
    {%- set parts = [] -%}
    {%- for field in field_list -%}
        {%- do parts.append(
            "coalesce(cast(" ~ field ~ " as " ~ movie_warehouse.type_text() ~ "), '_dbt_null_')"
        ) -%}
    {%- endfor -%}
    {{ parts | join(" || '-' || ") }}
{%- endmacro %}

{% macro default__generate_surrogate_key(field_list) -%}
    md5({{ movie_warehouse.surrogate_key_text(field_list) }})
{%- endmacro %}

{% macro duckdb__generate_surrogate_key(field_list) -%}
    md5({{ movie_warehouse.surrogate_key_text(field_list) }})
{%- endmacro %}

{# Trino's md5 takes and returns varbinary. #}
{% macro trino__generate_surrogate_key(field_list) -%}
    lower(to_hex(md5(to_utf8({{ movie_warehouse.surrogate_key_text(field_list) }}))))
{%- endmacro %}

{# Redshift's md5 takes varchar and returns a lowercase hex varchar(32), like DuckDB's. #}
{% macro redshift__generate_surrogate_key(field_list) -%}
    md5({{ movie_warehouse.surrogate_key_text(field_list) }})
{%- endmacro %}
