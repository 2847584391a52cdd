{#
    Predicate for an is_incremental() run: rows loaded no earlier than `days` days before the newest
    `column` value already in {{ this }} (var `incremental_lookback_days`, default 3). The lookback
    re-reads a few days so rows that land late in silver are still merged; the merge on unique_key
    makes re-reading idempotent. An empty target reads everything.
    Usage:
        {% if is_incremental() %}
        where {{ movie_warehouse.incremental_lookback_filter('_loaded_at') }}
        {% endif %}
#}
{% macro incremental_lookback_filter(column='_loaded_at', days=none) -%}
    {%- set lookback_days = var('incremental_lookback_days', 3) if days is none else days -%}
    {{ column }} >= coalesce(
        (
            select {{ movie_warehouse.days_before('max(' ~ column ~ ')', lookback_days) }}
            from {{ this }}
        ),
        cast('1900-01-01 00:00:00' as timestamp)
    )
{%- endmacro %}
