with source as (
    select * from {{ source('raw', 'devon__caf_review_outcomes') }}
),

renamed as (
    select
        -- ids
        respondent_group,
        measure,
        -- attributes
        respondent_label,
        -- numerics
        cast(pct_published as decimal(5, 1)) as respondents_pct_published,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
