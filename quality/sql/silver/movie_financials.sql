{#-
    Silver financials, each with its movie_id when an adjusted amount is not the nominal one times
    the inflation factor (to a relative 1e-6). `relation`: silver movie_financials.
-#}
select *,
    case when abs(budget_adjusted - budget_nominal * inflation_factor)
                > 1e-6 * greatest(1, abs(budget_adjusted))
           or abs(revenue_adjusted - revenue_nominal * inflation_factor)
                > 1e-6 * greatest(1, abs(revenue_adjusted))
         then cast(movie_id as varchar) end as adjusted_not_nominal_times_factor
from {{ relation }}
