with source as (
    select * from {{ source('raw', 'devon__bhlp_spend') }}
),

renamed as (
    select
        -- ids
        measure,
        -- attributes
        label as measure_label,
        amount_printed,
        period as period_text,
        -- numerics
        cast(amount_gbp as decimal(12, 2)) as amount_gbp,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
