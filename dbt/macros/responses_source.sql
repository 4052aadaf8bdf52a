{#- The rows of one of the responses' raw tables, or, before any collection has been loaded
    (`responses_loaded`), no rows with the table's columns and types, so that the models over
    it build empty instead of failing on a table or files that do not exist yet. -#}
{% macro responses_source(table, columns) %}
    {%- set typed_nulls = [] -%}
    {%- for name, type in columns.items() -%}
        {%- do typed_nulls.append('cast(null as ' ~ type ~ ') as ' ~ name) -%}
    {%- endfor -%}
    {% if responses_loaded() %}
        select * from {{ source('raw', table) }}
    {% else %}
        select {{ typed_nulls | join(', ') }} where false
    {% endif %}
{% endmacro %}
