with source as (
    select * from {{ source('raw', 'devon__pathway_switch_off') }}
),

renamed as (
    select
        -- ids
        pathway as pathway_name,
        operational_area,
        -- attributes
        pathway_order,
        measures_text,
        switch_off_text,
        discretionary_text,
        -- dates
        switch_off_date,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
