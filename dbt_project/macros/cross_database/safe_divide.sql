{#
    numerator / denominator as an 8-byte float, null when the denominator is 0 or null.
    Casting first avoids integer division (Trino, Redshift) on integer inputs.
    Usage: {{ movie_warehouse.safe_divide('profit', 'budget') }}
#}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'movie_warehouse')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ movie_warehouse.type_double() }})
    / nullif(cast({{ denominator }} as {{ movie_warehouse.type_double() }}), 0)
{%- endmacro %}
