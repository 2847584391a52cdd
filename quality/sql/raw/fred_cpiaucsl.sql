{#-
    CPI months delivered: with a value (`cpi`, the cpiaucsl table's files, latest load), or
    explicitly without one (FRED's rows quarantined for a missing value, `quarantine`'s files), each
    delivered month with the gap before it when the one before is not the previous month.
-#}
with delivered as (
    select cast(observation_date as date) as month, cpiaucsl, false as value_missing
    from (
        {% with files = cpi %}{% include "raw/latest_load.sql" %}{% endwith %}

    )
    union all
    select try_cast(split_part(raw_value, ',', 1) as date), null, true from {{ quarantine }}
    where reason like '%missing value%'
),
ordered as (
    select *, lag(month) over (order by month) as previous_month
    from delivered where month is not null
)
select month, cpiaucsl, value_missing,
    case when previous_month is not null and month <> previous_month + interval 1 month
        then strftime(month, '%Y-%m') || ' follows ' || strftime(previous_month, '%Y-%m') end
        as month_gap
from ordered where not value_missing
