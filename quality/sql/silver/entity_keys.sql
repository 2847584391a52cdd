{#-
    Per silver entity: its row count and how many of its keys repeat. `entities`: each one's `name`,
    `relation` (its scan at the run's snapshot) and `keys` (quality.frames.SILVER_KEYS). Checked
    when silver is validated, before dbt reads it: a repeated key stops the run before any mart.
-#}
{% from "macros.sql" import duplicated_keys %}
select *, case when duplicated_keys > 0 then entity || ': ' || duplicated_keys
        || ' duplicated keys' end as entity_with_duplicated_keys
from (
{% for entity in entities %}
    {% if not loop.first %}
    union all
    {% endif %}
    select {{ entity.name | sql_string }} as entity, count(*) as row_count,
        {{ duplicated_keys(entity.relation, entity.keys) }} as duplicated_keys
    from {{ entity.relation }}
{% endfor %}
)
