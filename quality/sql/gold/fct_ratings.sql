{#-
    fct_ratings (26M rows at Kaggle scale) as the aggregates its suite checks, computed by the
    warehouse's engine rather than by GX's pandas engine on the whole table. Its (user_id,
    movielens_movie_id) key is not checked here: dbt's unique_combination_of_columns test on the
    model (dbt_project/models/marts/core/_core__models.yml) does, in the same `dbt build`.
    Gold frames run on DuckDB or Trino: portable SQL only (tests/dbt_project/test_trino.py).
-#}
select
    count(*) as row_count,
    min(rating) as min_rating,
    max(rating) as max_rating
from marts.fct_ratings
