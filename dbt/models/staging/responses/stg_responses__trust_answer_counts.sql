-- ephemeral: the counts stay in their Parquet files beside the build database; models that need
-- them read them through this CTE, and no view in the warehouse points at the files
{{ config(materialized='ephemeral') }}

with source as (
    {% if responses_loaded() %}
        select * from {{ source('raw', 'responses__trust_answer_counts') }}
    {% else %}
        -- no collection loaded yet: no counts
        select
            cast(null as varchar) as collection,
            cast(null as integer) as question_id,
            cast(null as varchar) as trust_code,
            cast(null as varchar) as audience,
            cast(null as varchar) as answer,
            cast(null as integer) as answers
        where false
    {% endif %}
),

renamed as (
    select
        -- ids
        collection,
        question_id,
        trust_code,
        audience,
        answer as response_code,
        -- attributes
        case when answer like 'score\_%' escape '\' then cast(right(answer, 1) as integer) end as score,
        -- numerics
        answers
    from source
)

select * from renamed
