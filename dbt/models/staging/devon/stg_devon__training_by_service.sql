with source as (
    select * from {{ source('raw', 'devon__training_by_service') }}
),

renamed as (
    select
        -- ids
        row_order,
        -- attributes
        organisation as organisation_name,
        organisation_printed,
        service_area,
        is_total_row,
        is_grand_total,
        -- numerics
        trained as practitioners_trained,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
