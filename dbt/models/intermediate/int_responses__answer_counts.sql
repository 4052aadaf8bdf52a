-- the one pass over every answer for the response tables: counts per collection, question,
-- answer and audience (7 answers x 2 audiences per question)
with answers as (
    select * from {{ ref('stg_responses__answers') }}
),

counted as (
    select
        collection,
        question_id,
        response_code,
        cast(count(*) filter (where audience = 'leaders_managers') as integer) as leaders_managers_responses,
        cast(count(*) filter (where audience = 'frontline') as integer) as frontline_responses,
        cast(count(*) as integer) as total_responses
    from answers
    group by collection, question_id, response_code
)

select * from counted
