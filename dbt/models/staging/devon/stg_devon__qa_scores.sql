with source as (
    select * from {{ source('raw', 'devon__qa_scores') }}
),

renamed as (
    select
        -- ids
        cluster_name as cluster_name_printed,
        -- attributes
        row_order,
        has_data,
        -- numerics
        cast(lowest_pct_published as decimal(5, 1)) as lowest_score_pct_published,
        cast(highest_pct_published as decimal(5, 1)) as highest_score_pct_published,
        cast(average_pct_published as decimal(5, 1)) as average_score_pct_published,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
