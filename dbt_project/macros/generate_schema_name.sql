{#
    Use a model's custom schema (staging, intermediate, marts) as-is instead of dbt's default
    `<target schema>_<custom schema>`, so every target gets the same readable layer schemas.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
