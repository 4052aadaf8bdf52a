with source as (
    select * from {{ source('raw', 'appendix__practices') }}
),

renamed as (
    select
        -- ids
        practice_code,
        -- attributes
        practice_name,
        practice_order,
        first_question_id,
        last_question_id,
        -- provenance
        '{{ var("appendix_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
