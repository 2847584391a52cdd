{#
    Fails once for every combination of `combination_of_columns` that occurs more than once (nulls
    compare equal, as in GROUP BY): the primary-key test for models keyed on several columns.

    Rows are ordered by the last column within partitions of the others, so a repeated combination
    sits next to its twin: a row equal to the one before it is a duplicate. On the 26M ratings of
    Kaggle scale this takes DuckDB 1.4-1.6 s against 3.8-5.4 s for GROUP BY ... HAVING count(*) > 1,
    whose hash table must hold 26M distinct keys (README, Benchmarks).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    {%- set columns_csv = combination_of_columns | join(', ') %}
    {%- set last_column = combination_of_columns[-1] %}
    {%- set partition_columns = combination_of_columns[:-1] %}
    {%- set key_order -%}
        over (
            {% if partition_columns %}partition by {{ partition_columns | join(', ') }}{% endif %}
            order by {{ last_column }}
        )
    {%- endset %}

    with

    ordered as (

        select
            {{ columns_csv }},
            row_number() {{ key_order }} as position_in_order,
            lag({{ last_column }}) {{ key_order }} as previous_value

        from {{ model }}

    ),

    final as (

        select distinct {{ columns_csv }}

        from ordered
        where
            position_in_order > 1
            and {{ movie_warehouse.null_safe_equal(last_column, 'previous_value') }}

    )

    select * from final

{% endtest %}
