with source as (
    select * from {{ source('raw', 'devon__services') }}
),

renamed as (
    select
        -- ids
        service_code,
        -- attributes
        service_name,
        service_order,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
