{#-
    How old the marts' newest load is, in hours at the time of the check (its result depends on
    the clock, not only on the data). Portable SQL (DuckDB and Trino).
-#}
select
    date_diff('minute', max(_loaded_at), cast(current_timestamp as timestamp)) / 60e0
        as hours_since_latest_load,
    max(_loaded_at) as latest_load
from (select _loaded_at from marts.fct_ratings union all select _loaded_at from marts.dim_movies)
