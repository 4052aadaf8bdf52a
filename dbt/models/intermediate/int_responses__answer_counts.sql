-- the response tables' grain: counts per collection, question and answer, by audience
with trust_answer_counts as (
    select * from {{ ref('stg_responses__trust_answer_counts') }}
),

counted as (
    select
        collection,
        question_id,
        response_code,
        cast(sum(answers) filter (where audience = 'leaders_managers') as integer) as leaders_managers_responses,
        cast(sum(answers) filter (where audience = 'frontline') as integer) as frontline_responses,
        cast(sum(answers) as integer) as total_responses
    from trust_answer_counts
    group by collection, question_id, response_code
)

select * from counted
