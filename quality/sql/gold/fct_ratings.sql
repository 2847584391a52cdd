{#-
    fct_ratings (26M rows at Kaggle scale) as the aggregates its suite checks, computed by the
    warehouse's engine rather than by GX's pandas engine on the whole table. Gold frames run on
    DuckDB or Trino: portable SQL only (tests/dbt_project/test_trino.py).
-#}
{% from "macros.sql" import duplicated_keys %}
select
    count(*) as row_count,
    {{ duplicated_keys("marts.fct_ratings", ("user_id", "movielens_movie_id")) }} as duplicated_keys,
    min(rating) as min_rating,
    max(rating) as max_rating
from marts.fct_ratings
