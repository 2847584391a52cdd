{#
    An array of strings as one text value, its elements joined by ', ' (an empty array gives '').
    Silver keeps lists as arrays (YTS's genres); marts keep them readable in any BI tool.
    Usage: {{ movie_warehouse.array_to_text('genres') }}
#}
{% macro array_to_text(expression) -%}
    {{ return(adapter.dispatch('array_to_text', 'movie_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__array_to_text(expression) -%}
    cast(array_to_string({{ expression }}, ', ') as {{ movie_warehouse.type_text() }})
{%- endmacro %}

{% macro trino__array_to_text(expression) -%}
    array_join({{ expression }}, ', ')
{%- endmacro %}

