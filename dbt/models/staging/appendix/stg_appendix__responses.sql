with source as (
    select * from {{ source('raw', 'appendix__responses') }}
),

renamed as (
    select
        -- ids
        question_id,
        response_code,
        -- attributes
        score,
        response_label,
        -- numerics
        leaders_managers as leaders_managers_responses,
        frontline as frontline_responses,
        total as total_responses,
        cast(proportion_pct_published as decimal(5, 1)) as proportion_pct_published,
        -- provenance
        '{{ var("appendix_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
