{#
    The inflation adjustment in fct_movie_financials: every adjusted amount equals the nominal amount
    times the movie's inflation factor (CPI of the base month / CPI of the release month), to a
    relative 1e-9. Rows where the factor is unknown (no CPI for the release month) must have no
    adjusted amounts. Returns the offending rows.
#}

with

financials as (

    select * from {{ ref('fct_movie_financials') }}

),

checked as (

    select
        movie_id,
        inflation_factor,
        budget_nominal,
        budget_adjusted,
        revenue_nominal,
        revenue_adjusted

    from financials
    where
        (inflation_factor is null and (budget_adjusted is not null or revenue_adjusted is not null))
        or abs(budget_adjusted - budget_nominal * inflation_factor) > 1e-9 * abs(budget_adjusted)
        or abs(revenue_adjusted - revenue_nominal * inflation_factor) > 1e-9 * abs(revenue_adjusted)

)

select * from checked
