{#
    Column types whose spelling differs between targets. Staging casts use these so that text never
    truncates (Redshift's bare varchar is 256 bytes) and floats stay 8-byte (dbt's type_float() is
    a 4-byte float on DuckDB).
    Usage: cast(title as {{ movie_warehouse.type_text() }})
#}
{% macro type_text() -%}
    {{ return(adapter.dispatch('type_text', 'movie_warehouse')()) }}
{%- endmacro %}

{% macro default__type_text() -%}
    {{ return('varchar') }}
{%- endmacro %}

{% macro redshift__type_text() -%}
    {{ return('varchar(65535)') }}
{%- endmacro %}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'movie_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ return('double precision') }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    {{ return('double') }}
{%- endmacro %}

{% macro trino__type_double() -%}
    {{ return('double') }}
{%- endmacro %}
