{#
    Predicate for an is_incremental() run: rows whose `column` is no earlier than `days` days before
    the newest `this_column` value already in {{ this }} (default: the same column; var
    `incremental_lookback_days`, default 3). The lookback re-reads a few days so rows that land late
    in silver are still merged; the merge on unique_key makes re-reading idempotent. An empty target
    reads everything.
    `this_column` lets a fact measure the window on its own `_loaded_at` while testing the load time
    of a dimension row it resolves through (a movie or crosswalk row that arrived after the fact).
    Usage:
        {% if is_incremental() %}
        where {{ movie_warehouse.incremental_lookback_filter('_loaded_at') }}
            or {{ movie_warehouse.incremental_lookback_filter('_movie_loaded_at', this_column='_loaded_at') }}
        {% endif %}
#}
{% macro incremental_lookback_filter(column='_loaded_at', days=none, this_column=none) -%}
    {%- set lookback_days = var('incremental_lookback_days', 3) if days is none else days -%}
    {%- set this_column = column if this_column is none else this_column -%}
    {{ column }} >= coalesce(
        (
            select {{ movie_warehouse.days_before('max(' ~ this_column ~ ')', lookback_days) }}
            from {{ this }}
        ),
        cast('1900-01-01 00:00:00' as timestamp)
    )
{%- endmacro %}
