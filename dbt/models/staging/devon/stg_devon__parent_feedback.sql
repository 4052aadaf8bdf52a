with source as (
    select * from {{ source('raw', 'devon__parent_feedback') }}
),

renamed as (
    select
        -- ids
        measure,
        -- attributes
        description as measure_description,
        -- numerics
        numerator as parents_reporting,
        denominator as parents_responding,
        cast(pct_published as decimal(5, 1)) as parents_pct_published,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
