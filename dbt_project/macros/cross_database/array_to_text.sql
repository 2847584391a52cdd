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

{#-
    Redshift reads an Iceberg list through Spectrum as SUPER, which has no join function:
    JSON_SERIALIZE gives its JSON text (`["Animation","Comedy"]`). Compiled offline only, never run
    on a live cluster (infra/README.md).
-#}
{% macro redshift__array_to_text(expression) -%}
    cast(json_serialize({{ expression }}) as {{ movie_warehouse.type_text() }})
{%- endmacro %}
