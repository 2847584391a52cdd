{#
    Bitwise helpers on bigint masks, spelled per engine (DuckDB and Redshift have operators and
    bit_or; Trino has functions). Bits 0..62 only, so a mask is never negative.
    Usage:
        {{ movie_warehouse.bit_flag('genre_bit') }}               -- 1 << genre_bit
        {{ movie_warehouse.bit_or_agg('genre_mask') }}            -- OR over a group's rows
        {{ movie_warehouse.bit_and('genre_mask', 'genre_flag') }} -- mask AND flag
#}
{% macro bit_flag(bit) -%}
    {{ return(adapter.dispatch('bit_flag', 'movie_warehouse')(bit)) }}
{%- endmacro %}

{% macro default__bit_flag(bit) -%}
    (cast(1 as bigint) << {{ bit }})
{%- endmacro %}

{% macro trino__bit_flag(bit) -%}
    bitwise_left_shift(cast(1 as bigint), {{ bit }})
{%- endmacro %}

{% macro bit_or_agg(mask) -%}
    {{ return(adapter.dispatch('bit_or_agg', 'movie_warehouse')(mask)) }}
{%- endmacro %}

{% macro default__bit_or_agg(mask) -%}
    bit_or({{ mask }})
{%- endmacro %}

{% macro trino__bit_or_agg(mask) -%}
    bitwise_or_agg({{ mask }})
{%- endmacro %}

{% macro bit_and(left, right) -%}
    {{ return(adapter.dispatch('bit_and', 'movie_warehouse')(left, right)) }}
{%- endmacro %}

{% macro default__bit_and(left, right) -%}
    ({{ left }} & {{ right }})
{%- endmacro %}

{% macro trino__bit_and(left, right) -%}
    bitwise_and({{ left }}, {{ right }})
{%- endmacro %}
