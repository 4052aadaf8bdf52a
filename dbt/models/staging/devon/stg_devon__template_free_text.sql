with source as (
    select * from {{ source('raw', 'devon__template_free_text') }}
),

renamed as (
    select
        -- ids
        item_code,
        service_code,
        -- attributes
        prompt_text,
        answer_text,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
