{#-
    The rows of a raw table's latest load (its highest `_dlt_load_id`): a run checks what was just
    delivered, not every load kept in raw/. `files`: the table's parquet files (macros.parquet).
    A table that needs columns for its checks extends the `extra_columns` block.
-#}
select *{% block extra_columns %}{% endblock %}

from {{ files }}
where _dlt_load_id = (select max(_dlt_load_id) from {{ files }})
