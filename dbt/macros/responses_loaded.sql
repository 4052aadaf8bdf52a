{#- Whether any collection of answers has been loaded into this build: a nightly run on a fresh
    build (no `make run` yet, a run started from the UI or the schedule) builds the regenerated
    tables empty instead of failing on files and tables that do not exist yet. -#}
{% macro responses_loaded() %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set found = run_query(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        ~ "and schema_name = 'raw' and table_name = 'responses__collections'"
    ) -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{% endmacro %}
