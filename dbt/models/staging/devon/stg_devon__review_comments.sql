with source as (
    select * from {{ source('raw', 'devon__review_comments') }}
),

renamed as (
    select
        -- ids
        review_order,
        respondent,
        -- attributes
        month_ia as ia_month_printed,
        score_printed,
        score_text,
        comment as comment_text,
        -- numerics
        age as child_age_years,
        cast(score_value as decimal(3, 1)) as score_value,
        -- dates
        cast(strptime(month_ia, '%b-%y') as date) as ia_month,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
