-- ephemeral: the counts stay in their Parquet files beside the build database; models that need
-- them read them through this CTE, and no view in the warehouse points at the files
{{ config(materialized='ephemeral') }}

with source as (
    {{ responses_source('responses__trust_answer_counts', {
        'collection': 'varchar',
        'question_id': 'integer',
        'trust_code': 'varchar',
        'audience': 'varchar',
        'answer': 'varchar',
        'answers': 'integer',
    }) }}
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
