-- ephemeral, like the answers: staging views are built on raw tables the ingest assets load, and
-- this one exists only once a collection has been loaded (until then the model is empty)
{{ config(materialized='ephemeral') }}

with source as (
    {% if responses_loaded() %}
        select * from {{ source('raw', 'responses__collections') }}
    {% else %}
        -- no collection loaded yet
        select
            cast(null as varchar) as collection,
            cast(null as varchar) as file_name,
            cast(null as varchar) as file_sha256,
            cast(null as bigint) as answers,
            cast(null as bigint) as respondents,
            cast(null as boolean) as is_synthetic,
            cast(null as timestamp) as loaded_at,
            cast(null as varchar) as run_id
        where false
    {% endif %}
),

renamed as (
    select
        -- ids
        collection,
        -- attributes
        is_synthetic,
        file_name,
        file_sha256,
        -- numerics
        answers,
        respondents,
        -- timestamps
        loaded_at,
        -- provenance
        run_id
    from source
)

select * from renamed
