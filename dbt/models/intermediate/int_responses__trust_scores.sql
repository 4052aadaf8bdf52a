-- the band tables' grain: each trust's scores 1-5 on each question (leaders and managers and
-- front line together; not applicable / don't know left out)
with trust_answer_counts as (
    select * from {{ ref('stg_responses__trust_answer_counts') }}
),

trust_scores as (
    select
        collection,
        question_id,
        trust_code,
        cast(sum(answers) as integer) as scored_answers,
        cast(sum(score * answers) as integer) as score_points
    from trust_answer_counts
    where score is not null
    group by collection, question_id, trust_code
)

select * from trust_scores
