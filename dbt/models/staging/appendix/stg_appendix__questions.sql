with source as (
    select * from {{ source('raw', 'appendix__questions') }}
),

renamed as (
    select
        -- ids
        question_id,
        practice_code,
        -- attributes
        question_text,
        leaders_only as is_leaders_only,
        -- provenance
        '{{ var("appendix_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
