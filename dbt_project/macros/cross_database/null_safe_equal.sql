{#
    Equality that treats two nulls as equal (SQL's IS NOT DISTINCT FROM), for join conditions on
    nullable columns. Redshift has no IS NOT DISTINCT FROM, so it spells the null case out.
    Usage: {{ movie_warehouse.null_safe_equal('ratings.movie_id', 'stored.movie_id') }}
#}
{% macro null_safe_equal(left, right) -%}
    {{ return(adapter.dispatch('null_safe_equal', 'movie_warehouse')(left, right)) }}
{%- endmacro %}

{% macro default__null_safe_equal(left, right) -%}
    {{ left }} is not distinct from {{ right }}
{%- endmacro %}

{% macro redshift__null_safe_equal(left, right) -%}
    ({{ left }} = {{ right }} or ({{ left }} is null and {{ right }} is null))
{%- endmacro %}
