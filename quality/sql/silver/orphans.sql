{#-
    Per bridge of a movie (quality.frames.MOVIE_BRIDGES): its rows whose movie_id is not in silver
    movies. `movies`: the movies relation; `bridges`: each bridge's `name` and `relation`.
-#}
select *, case when orphan_rows > 0 then entity || ': ' || orphan_rows
        || ' rows without a movie' end as entity_with_orphans
from (
{% for bridge in bridges %}
    {% if not loop.first %}
    union all
    {% endif %}
    select {{ bridge.name | sql_string }} as entity, count(*) filter (where m.movie_id is null) as orphan_rows
    from {{ bridge.relation }} as b left join {{ movies }} as m using (movie_id)
{% endfor %}
)
