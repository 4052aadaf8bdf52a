with source as (
    select * from {{ source('raw', 'appendix__average_scores') }}
),

renamed as (
    select
        -- ids
        question_id,
        audience,
        -- numerics
        avg_score_published,
        -- provenance
        '{{ var("appendix_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
