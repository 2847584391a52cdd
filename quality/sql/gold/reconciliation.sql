{#-
    Ratings delivered to raw, quarantined in silver, held in silver and in fct_ratings, and whether
    fct_ratings holds every raw key less those no load rated validly. Run by DuckDB with the lake
    and the warehouse (attached as `warehouse`). `raw_ratings`: every raw ratings file;
    `quarantine`, `silver_ratings`: the silver relations. On a Trino target, quality.runner replaces
    the exact text `(select count(*) from warehouse.marts.fct_ratings)` with the mart's count.
-#}
with raw_ordered as (
    -- Each (user, movie) key's rows, a valid rating first: a key's first row says whether
    -- any load of it holds one (silver rejects a missing rating too). Ordered neighbours, not
    -- GROUP BY, as in duplicated_keys.
    select movie_id, is_valid, lag(movie_id) over key_order as previous_movie_id,
        row_number() over key_order as key_position
    from (select user_id, movie_id, coalesce(rating between 0.5 and 5, false) as is_valid
          from {{ raw_ratings }}) as typed
    window key_order as (partition by user_id order by movie_id, is_valid desc)
),
raw_keys as (
    select is_valid as has_valid_rating from raw_ordered
    where key_position = 1 or movie_id is distinct from previous_movie_id
),
counts as (
    select
        raw_counts.*,
        (select count(*) from {{ quarantine }} where entity = 'ratings') as quarantined_rows,
        (select count(*) from {{ silver_ratings }}) as silver_ratings,
        (select count(*) from warehouse.marts.fct_ratings) as fct_ratings
    from (
        select count(*) as raw_rating_keys,
            count(*) filter (where not has_valid_rating) as quarantined_only_keys
        from raw_keys
    ) as raw_counts
)
select *, case when fct_ratings <> raw_rating_keys - quarantined_only_keys
                 or silver_ratings <> fct_ratings
    then 'fct_ratings ' || fct_ratings || ' <> raw keys ' || raw_rating_keys || ' - quarantined '
         || quarantined_only_keys || ' (silver ' || silver_ratings || ')' end as unreconciled
from counts
