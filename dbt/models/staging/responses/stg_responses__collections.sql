-- ephemeral, like the answers: staging views are built on raw tables the ingest assets load, and
-- this one exists only once a collection has been loaded
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('raw', 'responses__collections') }}
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
