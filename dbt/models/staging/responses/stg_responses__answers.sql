with source as (
    select * from {{ source('raw', 'responses__answers') }}
),

renamed as (
    select
        -- ids
        collection,
        trust_code,
        respondent_id,
        question_id,
        -- attributes
        audience,
        answer as response_code,
        -- numerics
        case when answer like 'score\_%' escape '\' then cast(right(answer, 1) as integer) end as score,
        -- provenance
        source_row
    from source
)

select * from renamed
