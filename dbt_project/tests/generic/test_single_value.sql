{#
    Fails when `column_name` holds more than one distinct value across the model (nulls aside): e.g.
    every money amount of a build must be in the dollars of one CPI base month.
#}
{% test single_value(model, column_name) %}

    with

    values_held as (

        select count(distinct {{ column_name }}) as distinct_values
        from {{ model }}

    ),

    final as (

        select * from values_held
        where distinct_values > 1

    )

    select * from final

{% endtest %}
