with source as (
    select * from {{ source('raw', 'devon__template_options') }}
),

renamed as (
    select
        -- ids
        item_code,
        option_order,
        -- attributes
        option_text,
        -- numerics
        total_published,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
