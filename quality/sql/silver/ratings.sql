{#-
    Silver ratings (26M rows at Kaggle scale) as the aggregates its suite checks, computed by
    DuckDB, so GX's pandas engine never loads and scans every row. `relation`: silver ratings.
-#}
select count(*) as row_count, min(rating) as min_rating, max(rating) as max_rating,
    count(*) filter (where rated_at is null) as rated_at_nulls,
    cast(count(movie_id) as double) / nullif(count(*), 0) as share_with_movie_id
from {{ relation }}
