with source as (
    select * from {{ source('raw', 'appendix__printed_lines') }}
),

renamed as (
    select
        -- attributes
        line_text,
        -- provenance
        '{{ var("appendix_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
