-- the one pass over every answer: answers per collection, question, trust, audience and answer
-- code; every table the appendix prints is a sum over these counts
with answers as (
    select * from {{ ref('stg_responses__answers') }}
),

counted as (
    select
        collection,
        question_id,
        trust_code,
        audience,
        response_code,
        case when response_code like 'score\_%' escape '\' then cast(right(response_code, 1) as integer) end as score,
        cast(count(*) as integer) as answers
    from answers
    group by collection, question_id, trust_code, audience, response_code
)

select * from counted
