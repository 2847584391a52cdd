{#- The latest movies_metadata load, with the release dates that do not parse as ISO dates. -#}
{% extends "raw/latest_load.sql" %}
{% block extra_columns %},
    case when release_date is not null and try_strptime(release_date, '%Y-%m-%d') is null
        then release_date end as release_date_unparsed
{%- endblock %}
