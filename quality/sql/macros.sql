{#-
    SQL fragments several check frames share, rendered by quality.frames (StrictUndefined: a missing
    parameter is an error, never an empty string). Values that are data (paths, names) arrive quoted
    or go through the `sql_string` filter; relations arrive as SQL already quoted by their makers.
-#}

{#- Every parquet file under `path` (a glob), as one relation; the path quoted, never spliced. -#}
{% macro parquet(path) -%}
read_parquet({{ path | sql_string }}, union_by_name = true)
{%- endmacro %}

{#-
    A scalar subquery: how many keys (`keys`, column names) of `relation` more than one row holds
    (nulls compare equal, as GROUP BY has them). Rows are ordered by the key's last column within
    partitions of the others, so a repeated key sits next to its twin: faster than GROUP BY ...
    HAVING count(*) > 1, whose hash table holds every key (docs/benchmark.md). The same method as
    dbt's unique_combination_of_columns test (dbt_project/tests/generic/).
-#}
{% macro duplicated_keys(relation, keys) -%}
{% set partition, last = keys[:-1], keys[-1] %}
{% set over %}over ({% if partition %}partition by {{ partition | join(', ') }} {% endif %}order by {{ last }}){% endset %}
(select count(*) from (
    select distinct {{ keys | join(', ') }} from (
        select {{ keys | join(', ') }}, row_number() {{ over }} as key_position,
            lag({{ last }}) {{ over }} as previous_value
        from {{ relation }}
    ) as ordered
    where key_position > 1 and {{ last }} is not distinct from previous_value
) as duplicated)
{%- endmacro %}
