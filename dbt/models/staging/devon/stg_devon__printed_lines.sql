with source as (
    select * from {{ source('raw', 'devon__printed_lines') }}
),

renamed as (
    select
        -- attributes
        line_text,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
