with source as (
    select * from {{ source('raw', 'devon__template_marks') }}
),

renamed as (
    select
        -- ids
        item_code,
        option_order,
        service_code,
        -- attributes
        cell_text,
        -- numerics
        mark,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
