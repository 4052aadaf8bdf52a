-- ephemeral: the answers stay in their checked Parquet files; models that need them read them
-- through this CTE, and no view in the warehouse points at the files
{{ config(materialized='ephemeral') }}

with source as (
    {% if responses_loaded() %}
        select * from {{ source('raw', 'responses__answers') }}
    {% else %}
        -- no collection loaded yet: no answers
        select
            cast(null as varchar) as collection,
            cast(null as varchar) as trust_code,
            cast(null as bigint) as respondent_id,
            cast(null as varchar) as audience,
            cast(null as integer) as question_id,
            cast(null as varchar) as answer,
            cast(null as bigint) as file_row_number
        where false
    {% endif %}
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
