with source as (
    select * from {{ source('raw', 'appendix__descriptors') }}
),

renamed as (
    select
        -- ids
        question_id,
        point_score,
        -- attributes
        level_label,
        descriptor_text,
        -- provenance
        '{{ var("appendix_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
