with source as (
    select * from {{ source('raw', 'devon__practitioner_activity') }}
),

renamed as (
    select
        -- ids
        figure as figure_label,
        bucket,
        -- attributes
        role,
        bucket_label,
        -- numerics
        cast(pct_published as decimal(5, 1)) as practitioners_pct_published,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
