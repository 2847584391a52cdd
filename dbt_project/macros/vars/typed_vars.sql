{#
    Vars reach SQL only through these macros, never pasted in raw:
      - numeric_var: the var as a number; a value that is not a plain number stops compilation.
      - date_var:    the var as a quoted date literal cast to date (YYYY-MM-DD checked), or none.
      - sql_string:  any text as a single-quoted SQL literal with embedded quotes doubled.
    Usage:
        where budget_adjusted > {{ movie_warehouse.numeric_var('roi_min_budget', 1000000) }}
        where name = {{ movie_warehouse.sql_string(var('actor_name')) }}
#}
{% macro numeric_var(name, default) -%}
    {%- set value = var(name, default) -%}
    {%- set text = value | string | trim -%}
    {%- if value is boolean or not modules.re.match('^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$', text) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number, got: " ~ text) }}
    {%- endif -%}
    {{ return(text | float if ('.' in text or 'e' in text | lower) else text | int) }}
{%- endmacro %}

{% macro date_var(name, default=none) -%}
    {%- set value = var(name, default) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a date YYYY-MM-DD, got: " ~ text) }}
    {%- endif -%}
    {{ return("cast(" ~ movie_warehouse.sql_string(text) ~ " as date)") }}
{%- endmacro %}

{% macro sql_string(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}
