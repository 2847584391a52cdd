{{
    config(
        materialized='incremental',
        unique_key='movie_id',
        incremental_strategy=movie_warehouse.incremental_strategy(),
        on_schema_change='append_new_columns',
    )
}}

with

movie_financials as (

    select * from {{ ref('stg_silver__movie_financials') }}
    {% if is_incremental() %}
        where {{ movie_warehouse.incremental_lookback_filter('_loaded_at') }}
            -- A new base month (FRED published a month, or another was asked for) changes every
            -- row, whenever its movie was loaded: all of them are merged again.
            or base_month not in (select distinct base_month from {{ this }})
    {% endif %}

),

profits as (

    select
        movie_id,
        release_date,
        release_month,
        base_month,
        inflation_factor,
        budget_nominal,
        revenue_nominal,
        budget_adjusted,
        revenue_adjusted,
        _loaded_at,
        revenue_nominal - budget_nominal as profit_nominal,
        revenue_adjusted - budget_adjusted as profit_adjusted

    from movie_financials

),

final as (

    select
        movie_id,
        release_date,
        release_month,
        base_month,
        inflation_factor,
        budget_nominal,
        revenue_nominal,
        profit_nominal,
        budget_adjusted,
        revenue_adjusted,
        profit_adjusted,
        case
            when budget_nominal > 0
                then {{ movie_warehouse.safe_divide('profit_nominal', 'budget_nominal') }}
        end as roi,
        _loaded_at

    from profits

)

select * from final
