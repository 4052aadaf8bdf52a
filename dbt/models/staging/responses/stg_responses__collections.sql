-- ephemeral, like the counts: staging views are built on raw tables the ingest assets load, and
-- this one exists only once a collection has been loaded (until then the model is empty)
{{ config(materialized='ephemeral') }}

with source as (
    {{ responses_source('responses__collections', {
        'collection': 'varchar',
        'file_name': 'varchar',
        'file_sha256': 'varchar',
        'answers': 'bigint',
        'respondents': 'bigint',
        'is_synthetic': 'boolean',
        'loaded_at': 'timestamp',
        'run_id': 'varchar',
    }) }}
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
