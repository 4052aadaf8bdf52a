with source as (
    select * from {{ source('raw', 'devon__template_items') }}
),

renamed as (
    select
        -- ids
        item_code,
        -- attributes
        section_no,
        section_title,
        question_no,
        question_text,
        sub_item_text,
        item_kind,
        comment_text,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
