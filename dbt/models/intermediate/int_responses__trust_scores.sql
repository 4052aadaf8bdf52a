-- the one pass over every answer for the band tables: each trust's scores 1-5 on each question
-- (leaders and managers and front line together; not applicable / don't know left out)
with answers as (
    select * from {{ ref('stg_responses__answers') }}
),

trust_scores as (
    select
        collection,
        question_id,
        trust_code,
        cast(count(*) as integer) as scored_answers,
        cast(sum(score) as integer) as score_points
    from answers
    where score is not null
    group by collection, question_id, trust_code
)

select * from trust_scores
