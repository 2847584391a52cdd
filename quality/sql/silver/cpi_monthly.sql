{#- Silver CPI months, each with the month itself when the one before it is not the previous month. -#}
select *, case when lag(month) over (order by month) is not null
    and month <> lag(month) over (order by month) + interval 1 month then strftime(month, '%Y-%m')
    end as month_after_gap
from {{ relation }}
