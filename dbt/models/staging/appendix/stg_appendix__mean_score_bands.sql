with source as (
    select * from {{ source('raw', 'appendix__mean_score_bands') }}
),

renamed as (
    select
        -- ids
        question_id,
        cell_code,
        -- attributes
        cell_order,
        -- numerics
        trusts,
        cast(trusts_pct_published as decimal(5, 1)) as trusts_pct_published,
        -- provenance
        '{{ var("appendix_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
