-- ephemeral: the answers stay in their checked Parquet files; models that need them read them
-- through this CTE, and no view in the warehouse points at the files
{{ config(materialized='ephemeral') }}

with source as (
    select * from {{ source('raw', 'responses__answers') }}
),

renamed as (
    select
        -- ids
        collection,
        trust_code,
        respondent_id,
        question_id,
        -- attributes
        audience,
        answer as response_code,
        -- provenance
        file_row_number + 1 as source_row
    from source
)

select * from renamed
